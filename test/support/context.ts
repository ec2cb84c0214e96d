/** Per-file integration context: a Judgeflow client on the run's test database and dev server. */
import { inject } from 'vitest';
import { Judgeflow } from '../../src/sdk/Judgeflow';

/** Connects a Judgeflow client to the test database (or another) and the ephemeral dev server on `taskQueue`. */
export async function connectTestClient(
  taskQueue = `test-${process.pid}`,
  databaseUrl = inject('databaseUrl'),
): Promise<Judgeflow> {
  return Judgeflow.connect({
    config: {
      databaseUrl,
      temporal: { address: inject('temporalAddress'), namespace: 'default', taskQueue },
    },
  });
}

/** A name unique in this run, for rows whose names must be unique (datasets, benchmarks). */
export function uniqueName(prefix: string): string {
  return `${prefix}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
}
