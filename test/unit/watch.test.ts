/** Watching progress from the terminal: what the poll loop leaves behind on the detach signal. */
import { getEventListeners } from 'node:events';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { sumProgress, watchProgress, type WatchSnapshot } from '../../src/cli/watch';
import type { ExecutionProgress, ExecutionStatus } from '../../src/shared/execution-contract';

/** A stream that is not a terminal, collecting what is written to it. */
function plainStream() {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (d: Buffer) => (text += d.toString()));
  return { stream: stream as unknown as NodeJS.WriteStream, text: () => text };
}

const snapshot = (s: Partial<WatchSnapshot>): WatchSnapshot => ({
  total: 10,
  done: 0,
  errors: 0,
  window: { effective: 2, max: 2 },
  rateLimited: 0,
  running: true,
  tokens: 0,
  costUsd: null,
  ...s,
});

describe('watchProgress', () => {
  it('leaves at most one abort listener on the signal however long it polls (regression: one per poll)', async () => {
    const detach = new AbortController();
    const listeners: number[] = [];
    let polls = 0;
    const outcome = await watchProgress(
      'execution 1',
      async () => {
        listeners.push(getEventListeners(detach.signal, 'abort').length);
        polls += 1;
        return snapshot({ done: Math.min(polls, 10), running: polls < 30 });
      },
      async () => 'completed',
      { stream: plainStream().stream, signal: detach.signal, refreshMs: 1 },
    );
    expect(outcome).toEqual({ detached: false, status: 'completed' });
    expect(polls).toBe(30);
    expect(Math.max(...listeners)).toBeLessThanOrEqual(1);
    expect(getEventListeners(detach.signal, 'abort')).toHaveLength(0);
  });

  it('detaches at once when the signal aborts during the wait between polls', async () => {
    const detach = new AbortController();
    const outcome = await watchProgress(
      'execution 1',
      async () => {
        setImmediate(() => {
          detach.abort();
        });
        return snapshot({});
      },
      async () => 'completed',
      { stream: plainStream().stream, signal: detach.signal, refreshMs: 60_000 },
    );
    expect(outcome).toEqual({ detached: true });
  });
});

describe('sumProgress (a benchmark execution as one snapshot)', () => {
  const child = (executionUid: number, status: ExecutionStatus, effective: number, max: number) =>
    ({
      executionUid,
      status,
      total: 6,
      done: 0,
      errors: 0,
      errorsByKind: {},
      inFlight: 0,
      concurrency: { effective, max },
      rateLimited: 0,
      histogram: {},
      run: 1,
      recent: [],
      spend: { tokens: 0, costUsd: 0 },
      budget: {},
    }) as unknown as ExecutionProgress;

  it('shows no window (not 0/0) while its started children have not opened theirs (regression)', () => {
    expect(sumProgress(true, 12, [child(1, 'running', 0, 0), child(2, 'running', 0, 0)]).window).toBeUndefined();
  });

  it('sums the windows of the children running now, leaving out one that has not opened its window', () => {
    const s = sumProgress(true, 12, [
      child(1, 'running', 8, 16),
      child(2, 'running', 0, 0),
      child(3, 'completed', 4, 4),
    ]);
    expect(s.window).toEqual({ effective: 8, max: 16 });
  });
});
