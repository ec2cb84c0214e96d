/** What a cascade reads: one evaluator's rows in a benchmark execution, and the review flags it writes. */
import type { Queryable } from './pool';

export interface CascadeRow {
  xUid: string;
  split: string;
  score: number | null;
  confidence: number | null;
  truth: number | null;
  promptTokens: number | null;
  completionTokens: number | null;
  costUsd: number | null;
}

/** The evaluator's result rows in the benchmark execution, in dataset order, with the criteria's ground truth. */
export async function listCascadeRows(
  q: Queryable,
  p: { benchmarkExecutionUid: number; evaluatorUid: number; criteriaUid: number },
): Promise<CascadeRow[]> {
  const { rows } = await q.query<CascadeRow>(
    `SELECT r.x_uid AS "xUid", e.split, r.score, r.confidence, g.score AS truth, r.prompt_tokens AS "promptTokens",
            r.completion_tokens AS "completionTokens", r.cost_usd AS "costUsd"
       FROM evaluator_executions e
       JOIN evaluator_results r ON r.execution_uid = e.uid
       JOIN evaluators ev ON ev.uid = e.evaluator_uid
       JOIN benchmarks b ON b.uid = ev.benchmark_uid
       JOIN datapoints d ON d.dataset_uid = b.dataset_uid AND d.x_uid = r.x_uid
       LEFT JOIN ground_truth g ON g.criteria_uid = $3 AND g.dataset_uid = d.dataset_uid AND g.x_uid = r.x_uid
      WHERE e.benchmark_execution_uid = $1 AND e.evaluator_uid = $2
      ORDER BY d.position`,
    [p.benchmarkExecutionUid, p.evaluatorUid, p.criteriaUid],
  );
  return rows;
}

/** Flags rows of an execution for human review (a row flagged again keeps its first reason). */
export async function insertReviewFlags(
  q: Queryable,
  executionUid: number,
  flags: { xUid: string; reason: string }[],
): Promise<void> {
  if (!flags.length) return;
  await q.query(
    `INSERT INTO review_flags (execution_uid, x_uid, reason)
     SELECT $1, f.x_uid, f.reason FROM unnest($2::text[], $3::text[]) AS f(x_uid, reason)
     ON CONFLICT DO NOTHING`,
    [executionUid, flags.map((f) => f.xUid), flags.map((f) => f.reason)],
  );
}

export async function listReviewFlags(
  q: Queryable,
  executionUid: number,
): Promise<{ xUid: string; reason: string; createdAt: Date }[]> {
  const { rows } = await q.query<{ xUid: string; reason: string; createdAt: Date }>(
    `SELECT x_uid AS "xUid", reason, created_at AS "createdAt" FROM review_flags WHERE execution_uid = $1
      ORDER BY x_uid`,
    [executionUid],
  );
  return rows;
}
