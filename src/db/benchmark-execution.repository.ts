/** Benchmark executions: the row, its evaluator executions (one per evaluator and split), its final status. */
import type { Queryable } from './pool';
import type { BenchmarkChild } from '../shared/benchmark-contract';
import type { StoredExecutionStatus } from '../shared/execution-contract';
import type { Aggregation, LabelOrder, Sampling, Scoring, ScoringFallback } from '../shared/sampling';

export interface BenchmarkExecutionRecord {
  uid: number;
  benchmarkUid: number;
  name: string;
  createdBy: string;
  splits: string[];
  numRows: number | null;
  concurrency: number;
  /** The prompt evaluators it runs; null for every one of the benchmark's. */
  evaluatorUids: number[] | null;
  status: StoredExecutionStatus;
  error: string | null;
  summary: unknown;
  /** The budget of the whole run, shared by its evaluator executions in proportion to their rows. */
  budgetUsd: number | null;
  budgetTokens: number | null;
  cache: boolean;
  samples: number;
  aggregation: Aggregation;
  /** How a row is scored: its answer, or the logprobs over the labels (with the fallback when there are none). */
  scoring: Scoring;
  scoringFallback: ScoringFallback | null;
  /** How each row's labels were listed to the judge. */
  labelOrder: LabelOrder;
  createdAt: Date;
  finishedAt: Date | null;
}

const selectBenchmarkExecution = `
  SELECT uid, benchmark_uid AS "benchmarkUid", name, created_by AS "createdBy", splits, num_rows AS "numRows",
         concurrency, evaluator_uids AS "evaluatorUids", status, error, summary, budget_usd AS "budgetUsd", budget_tokens::float8 AS "budgetTokens", cache, samples, aggregation, scoring, scoring_fallback AS "scoringFallback", label_order AS "labelOrder",
         created_at AS "createdAt", finished_at AS "finishedAt"
    FROM benchmark_executions`;

export async function insertBenchmarkExecution(
  q: Queryable,
  e: {
    benchmarkUid: number;
    name?: string;
    createdBy: string;
    splits: string[];
    numRows?: number;
    concurrency: number;
    evaluatorUids?: number[];
    budgetUsd?: number;
    budgetTokens?: number;
    cache?: boolean;
    sampling?: Sampling;
  },
): Promise<number> {
  // Default name: "Execution N", N counting this benchmark's executions.
  const { rows } = await q.query<{ uid: number }>(
    `INSERT INTO benchmark_executions
       (benchmark_uid, name, created_by, splits, num_rows, concurrency, budget_usd, budget_tokens, cache, evaluator_uids,
        samples, aggregation, scoring, scoring_fallback, label_order)
     VALUES ($1, coalesce($2, 'Execution ' || (SELECT count(*) + 1 FROM benchmark_executions WHERE benchmark_uid = $1)),
             $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
     RETURNING uid`,
    [
      e.benchmarkUid,
      e.name ?? null,
      e.createdBy,
      e.splits,
      e.numRows ?? null,
      e.concurrency,
      e.budgetUsd ?? null,
      e.budgetTokens ?? null,
      e.cache ?? false,
      e.evaluatorUids ?? null,
      e.sampling?.samples ?? 1,
      e.sampling?.aggregation ?? 'majority',
      e.sampling?.scoring ?? 'answer',
      e.sampling?.scoringFallback ?? null,
      e.sampling?.labelOrder ?? 'shuffled',
    ],
  );
  return rows[0]!.uid;
}

export async function findBenchmarkExecution(q: Queryable, uid: number): Promise<BenchmarkExecutionRecord | undefined> {
  return (await q.query<BenchmarkExecutionRecord>(`${selectBenchmarkExecution} WHERE uid = $1`, [uid])).rows[0];
}

/** A benchmark's executions, newest first (the reference's `list_executions()[0]` is the latest run). */
export async function listBenchmarkExecutions(q: Queryable, benchmarkUid: number): Promise<BenchmarkExecutionRecord[]> {
  return (
    await q.query<BenchmarkExecutionRecord>(
      `${selectBenchmarkExecution} WHERE benchmark_uid = $1 ORDER BY created_at DESC, uid DESC`,
      [benchmarkUid],
    )
  ).rows;
}

/** The evaluator executions of a benchmark execution, oldest first. */
export async function listBenchmarkChildren(q: Queryable, benchmarkExecutionUid: number): Promise<BenchmarkChild[]> {
  const { rows } = await q.query<BenchmarkChild>(
    `SELECT e.evaluator_uid AS "evaluatorUid", ev.benchmark_uid AS "benchmarkUid", e.uid AS "executionUid",
            e.split, e.total_rows AS "totalRows"
       FROM evaluator_executions e JOIN evaluators ev ON ev.uid = e.evaluator_uid
      WHERE e.benchmark_execution_uid = $1 ORDER BY e.uid`,
    [benchmarkExecutionUid],
  );
  return rows;
}

/** Rows finished and row errors of each benchmark execution given, over its evaluator executions; absent: none. */
export async function countBenchmarkFinishedRows(
  q: Queryable,
  benchmarkExecutionUids: number[],
): Promise<Map<number, { done: number; errors: number }>> {
  const { rows } = await q.query<{ uid: number; done: number; errors: number }>(
    `SELECT e.benchmark_execution_uid AS uid, count(*)::int AS done, count(r.error)::int AS errors
       FROM evaluator_executions e JOIN evaluator_results r ON r.execution_uid = e.uid
      WHERE e.benchmark_execution_uid = ANY($1::int[]) GROUP BY e.benchmark_execution_uid`,
    [benchmarkExecutionUids],
  );
  return new Map(rows.map((r) => [r.uid, { done: r.done, errors: r.errors }]));
}

/** Locks the benchmark execution's row until the transaction ends, so concurrent planners take turns. */
export async function lockBenchmarkExecution(q: Queryable, uid: number): Promise<void> {
  await q.query(`SELECT 1 FROM benchmark_executions WHERE uid = $1 FOR UPDATE`, [uid]);
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

/** Marks a benchmark execution whose workflow could not start as failed. */
export async function failUnstartedBenchmarkExecution(q: Queryable, uid: number, error: string): Promise<void> {
  await q.query(`UPDATE benchmark_executions SET status = 'failed', error = $2, finished_at = now() WHERE uid = $1`, [
    uid,
    error,
  ]);
}

/** Benchmark executions still recorded as running, oldest first (for the repair step). */
export async function listRunningBenchmarkExecutions(q: Queryable): Promise<BenchmarkExecutionRecord[]> {
  return (await q.query<BenchmarkExecutionRecord>(`${selectBenchmarkExecution} WHERE status = 'running' ORDER BY uid`))
    .rows;
}
