import v8 from 'node:v8';
import vm from 'node:vm';
import { describe, expect, it } from 'vitest';
import { RowStops } from '../../activities/row-stops';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

/** Collects garbage until the heap settles; WeakRefs made in this job stay alive until it ends, so yield first. */
async function collectGarbage(): Promise<void> {
  for (let i = 0; i < 3; i++) {
    await new Promise((resolve) => setImmediate(resolve));
    gc();
  }
}

describe('RowStops', () => {
  it('lets go of every row once it is done (regression: a per-row AbortSignal.any leaked every row on Node 20)', async () => {
    const stops = new RowStops();
    // Long-lived, as an execution's and a worker's signals are: nothing a row hangs on them may outlive the row.
    const cancelled = new AbortController().signal;
    const rows = 2_000;
    const signals: WeakRef<AbortSignal>[] = [];
    for (let i = 0; i < rows; i++) {
      const row = stops.track(1, cancelled);
      signals.push(new WeakRef(row.signal));
      // What a model call does with the signal it is given: the HTTP client listens and never removes its listener.
      row.signal.addEventListener('abort', () => undefined, { once: true });
      row.done();
    }
    await collectGarbage();
    const alive = signals.filter((s) => s.deref() !== undefined).length;
    // Every row's signal is collectable (a few may survive one collection); the leak kept all of them.
    expect(alive).toBeLessThan(rows / 10);
    expect(stops.running(1)).toBe(0);
  });

  it("aborts an execution's running rows when it stops, and any row it starts later", () => {
    const stops = new RowStops();
    const cancelled = new AbortController().signal;
    const a = stops.track(1, cancelled);
    const other = stops.track(2, cancelled);
    stops.stop(1);
    expect([a.signal.aborted, a.stopped]).toEqual([true, true]);
    expect([other.signal.aborted, other.stopped]).toEqual([false, false]);
    const later = stops.track(1, cancelled);
    expect([later.signal.aborted, later.stopped]).toEqual([true, true]);
    expect(stops.running(1)).toBe(0);
  });

  it('aborts a row whose activity is cancelled, without calling its execution stopped', () => {
    const stops = new RowStops();
    const activity = new AbortController();
    const row = stops.track(1, activity.signal);
    activity.abort(new Error('activity cancelled'));
    expect(row.signal.aborted).toBe(true);
    expect(row.stopped).toBe(false);
    expect((row.signal.reason as Error).message).toBe('activity cancelled');
    row.done();
    expect(stops.running(1)).toBe(0);
  });
});
