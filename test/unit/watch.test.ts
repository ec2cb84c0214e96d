/** Watching progress from the terminal: what the poll loop leaves behind on the detach signal. */
import { getEventListeners } from 'node:events';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { watchProgress, type WatchSnapshot } from '../../src/cli/watch';

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
