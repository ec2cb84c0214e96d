/**
 * What the chaos scenarios share: their scale (short inside `npm test`, full with `npm run test:chaos`), the
 * check that PostgreSQL holds exactly one result per row, and the outcome record each scenario leaves in
 * `.data/chaos/` for `scripts/chaos-report.ts` (the table in docs/reliability.md).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Db } from '../../src/db/pool';

export const FULL = process.env.JUDGEFLOW_CHAOS === 'full';
/** `short` in CI, `full` in `npm run test:chaos`. */
export const scale = <T>(short: T, full: T): T => (FULL ? full : short);

export const REPORT_DIR = path.resolve(import.meta.dirname, '../../.data/chaos');

/** One row of the reliability table. */
export interface ChaosOutcome {
  scenario: string;
  /** What ran, e.g. "600 rows, C=8, 6 SIGKILLs". */
  runs: string;
  outcome: string;
  rowsLost: number;
  duplicated: number;
  /** Model calls beyond one per row (retried rate limits are listed separately in `outcome`). */
  extraCalls: number | string;
}

/** What `.data/chaos/<id>.json` holds: the outcome, the scale it ran at and when. */
export type RecordedOutcome = ChaosOutcome & { mode: 'short' | 'full'; at: string };

export function recordOutcome(id: string, o: ChaosOutcome): void {
  fs.mkdirSync(REPORT_DIR, { recursive: true });
  const record: RecordedOutcome = { ...o, mode: FULL ? 'full' : 'short', at: new Date().toISOString() };
  fs.writeFileSync(path.join(REPORT_DIR, `${id}.json`), `${JSON.stringify(record, null, 2)}\n`);
}

export interface RowAccounting {
  /** Datapoints of the execution's split. */
  expected: number;
  /** Result rows in PostgreSQL. */
  results: number;
  scored: number;
  errors: number;
  /** Datapoints without a result (lost). */
  lost: number;
  /** Result rows beyond one per datapoint (the primary key makes this 0 unless the schema broke). */
  duplicated: number;
}

/** What PostgreSQL holds for an execution, against the rows it should have judged. */
export async function accountRows(db: Db, executionUid: number): Promise<RowAccounting> {
  const { rows } = await db.query<Omit<RowAccounting, 'lost' | 'duplicated'> & { distinct: number }>(
    `SELECT e.total_rows AS expected,
            count(r.x_uid)::int AS results,
            count(DISTINCT r.x_uid)::int AS distinct,
            count(r.score)::int AS scored,
            count(r.error)::int AS errors
       FROM evaluator_executions e LEFT JOIN evaluator_results r ON r.execution_uid = e.uid
      WHERE e.uid = $1 GROUP BY e.total_rows`,
    [executionUid],
  );
  const r = rows[0]!;
  return {
    expected: r.expected,
    results: r.results,
    scored: r.scored,
    errors: r.errors,
    lost: r.expected - r.distinct,
    duplicated: r.results - r.distinct,
  };
}

/** Result rows, scored or not, of every evaluator execution of a benchmark execution. */
export async function benchmarkResultCount(db: Db, benchmarkExecutionUid: number): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM evaluator_results r JOIN evaluator_executions e ON e.uid = r.execution_uid
      WHERE e.benchmark_execution_uid = $1`,
    [benchmarkExecutionUid],
  );
  return rows[0]!.n;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
