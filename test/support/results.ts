/** What tests read back from PostgreSQL about results, and waiting for a condition: each once, for every test file. */
import { vi } from 'vitest';
import type { Db } from '../../src/db/pool';

export interface ScoredCount {
  /** Result rows with a score. */
  n: number;
  /** Distinct datapoints among them (equal to n when no row was written twice). */
  distinct: number;
}

/** Scored result rows of one evaluator execution, or of every evaluator execution of a benchmark execution. */
export async function scoredRows(
  db: Db,
  of: { executionUid: number } | { benchmarkExecutionUid: number },
): Promise<ScoredCount> {
  const [where, uid] =
    'executionUid' in of
      ? ['r.execution_uid = $1', of.executionUid]
      : [
          'r.execution_uid IN (SELECT uid FROM evaluator_executions WHERE benchmark_execution_uid = $1)',
          of.benchmarkExecutionUid,
        ];
  const { rows } = await db.query<ScoredCount>(
    `SELECT count(*)::int AS n, count(DISTINCT (r.execution_uid, r.x_uid))::int AS distinct
       FROM evaluator_results r WHERE ${where} AND r.score IS NOT NULL`,
    [uid],
  );
  return rows[0]!;
}

/** Every result row of an execution, scored or errored. */
export async function resultRows(db: Db, executionUid: number) {
  const { rows } = await db.query<{ x_uid: string; score: number | null; error: string | null }>(
    `SELECT x_uid, score, error FROM evaluator_results WHERE execution_uid = $1`,
    [executionUid],
  );
  return rows;
}

/** Polls `check` until it returns true (vi.waitFor), failing with `what` after `timeoutMs`. */
export async function waitUntil(
  what: string,
  check: () => boolean | Promise<boolean>,
  timeoutMs = 30_000,
): Promise<void> {
  await vi.waitFor(
    async () => {
      if (!(await check())) throw new Error(`timed out waiting until ${what}`);
    },
    { timeout: timeoutMs, interval: 50 },
  );
}
