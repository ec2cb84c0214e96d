/** Benchmark executions: the row, its evaluator executions (one per evaluator and split), its final status. */
import type { Queryable } from './pool';
import type { BenchmarkChild } from '../shared/benchmark-contract';
import type { StoredExecutionStatus } from '../shared/execution-contract';
import { insertExecution, splitExtent } from './execution.repository';

export interface BenchmarkExecutionRecord {
  uid: number;
  benchmarkUid: number;
  name: string;
  createdBy: string;
  splits: string[];
  numRows: number | null;
  concurrency: number;
  status: StoredExecutionStatus;
  error: string | null;
  summary: unknown;
  createdAt: Date;
  finishedAt: Date | null;
}

const selectBenchmarkExecution = `
  SELECT uid, benchmark_uid AS "benchmarkUid", name, created_by AS "createdBy", splits, num_rows AS "numRows",
         concurrency, status, error, summary, created_at AS "createdAt", finished_at AS "finishedAt"
    FROM benchmark_executions`;

export async function insertBenchmarkExecution(
  q: Queryable,
  e: { benchmarkUid: number; name?: string; createdBy: string; splits: string[]; numRows?: number; concurrency: number },
): Promise<number> {
  // Default name: "Execution N", N counting this benchmark's executions.
  const { rows } = await q.query<{ uid: number }>(
    `INSERT INTO benchmark_executions (benchmark_uid, name, created_by, splits, num_rows, concurrency)
     VALUES ($1, coalesce($2, 'Execution ' || (SELECT count(*) + 1 FROM benchmark_executions WHERE benchmark_uid = $1)),
             $3, $4, $5, $6)
     RETURNING uid`,
    [e.benchmarkUid, e.name ?? null, e.createdBy, e.splits, e.numRows ?? null, e.concurrency],
  );
  return rows[0]!.uid;
}

export async function findBenchmarkExecution(q: Queryable, uid: number): Promise<BenchmarkExecutionRecord | undefined> {
  return (await q.query<BenchmarkExecutionRecord>(`${selectBenchmarkExecution} WHERE uid = $1`, [uid])).rows[0];
}

/** A benchmark's executions, newest first (the reference's `list_executions()[0]` is the latest run). */
export async function listBenchmarkExecutions(q: Queryable, benchmarkUid: number): Promise<BenchmarkExecutionRecord[]> {
  return (
    await q.query<BenchmarkExecutionRecord>(`${selectBenchmarkExecution} WHERE benchmark_uid = $1 ORDER BY created_at DESC, uid DESC`, [
      benchmarkUid,
    ])
  ).rows;
}

/**
 * The evaluator executions of a benchmark execution, created on first call (one per prompt evaluator and split,
 * with each evaluator's latest prompt version); later calls return the same ones, so a retried activity is safe.
 */
export async function ensureBenchmarkChildren(q: Queryable, benchmarkExecutionUid: number): Promise<BenchmarkChild[]> {
  const existing = await q.query<BenchmarkChild>(
    `SELECT e.evaluator_uid AS "evaluatorUid", ev.benchmark_uid AS "benchmarkUid", e.uid AS "executionUid",
            e.split, e.total_rows AS "totalRows"
       FROM evaluator_executions e JOIN evaluators ev ON ev.uid = e.evaluator_uid
      WHERE e.benchmark_execution_uid = $1 ORDER BY e.uid`,
    [benchmarkExecutionUid],
  );
  if (existing.rows.length) return existing.rows;

  const be = await findBenchmarkExecution(q, benchmarkExecutionUid);
  if (!be) throw new Error(`benchmark execution ${benchmarkExecutionUid} does not exist`);
  const { rows: evaluators } = await q.query<{ uid: number; versionUid: number; datasetUid: number }>(
    `SELECT ev.uid, b.dataset_uid AS "datasetUid",
            (SELECT v.uid FROM prompt_versions v WHERE v.prompt_workflow_uid = ev.prompt_workflow_uid
              ORDER BY v.created_at DESC, v.uid DESC LIMIT 1) AS "versionUid"
       FROM evaluators ev JOIN benchmarks b ON b.uid = ev.benchmark_uid
      WHERE ev.benchmark_uid = $1 AND ev.type = 'prompt' ORDER BY ev.uid`,
    [be.benchmarkUid],
  );
  const children: BenchmarkChild[] = [];
  for (const ev of evaluators) {
    for (const split of be.splits) {
      const extent = await splitExtent(q, ev.datasetUid, split, be.numRows ?? undefined);
      if (extent.totalRows === 0) continue;
      const executionUid = await insertExecution(q, {
        evaluatorUid: ev.uid,
        promptVersionUid: ev.versionUid,
        benchmarkExecutionUid,
        split,
        numRows: be.numRows ?? undefined,
        concurrency: be.concurrency,
        ...extent,
      });
      children.push({ evaluatorUid: ev.uid, benchmarkUid: be.benchmarkUid, executionUid, split, totalRows: extent.totalRows });
    }
  }
  return children;
}

export async function finishBenchmarkExecution(
  q: Queryable,
  uid: number,
  status: StoredExecutionStatus,
  error: string | undefined,
  summary: unknown,
): Promise<void> {
  await q.query(
    `UPDATE benchmark_executions SET status = $2, error = $3, summary = $4, finished_at = coalesce(finished_at, now()) WHERE uid = $1`,
    [uid, status, error ?? null, JSON.stringify(summary)],
  );
}

/** Marks a benchmark execution whose workflow could not start as failed, with its evaluator executions. */
export async function failUnstartedBenchmarkExecution(q: Queryable, uid: number, error: string): Promise<void> {
  await q.query(`UPDATE benchmark_executions SET status = 'failed', error = $2, finished_at = now() WHERE uid = $1`, [uid, error]);
}
