import { describe, expect, it } from 'vitest';
import { RowStops } from '../../activities/row-stops';

describe('RowStops', () => {
  it('keeps nothing of a row once it is done (regression: a per-row AbortSignal.any leaked every row on Node 20)', () => {
    const stops = new RowStops();
    const cancelled = new AbortController().signal;
    for (let i = 0; i < 10_000; i++) stops.track(1, cancelled).done();
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
