/**
 * What a benchmark execution's report reads beyond its export source and agreement summary: per evaluator
 * execution, timing, token usage and row errors by kind; and the datapoints where a judge and the ground truth
 * part ways (a different score, or a row error), with their input columns and slices.
 */
import type { Queryable } from './pool';
import type { ChangedVerdictRow, ReportDatapoint } from '../shared/report-rows';
import type { RowErrorKind } from '../shared/row-errors';

export interface ReportExecutionStats {
  executionUid: number;
  evaluatorUid: number;
  rows: number;
  errors: number;
  errorsByKind: Partial<Record<RowErrorKind, number>>;
  /** Sums over rows whose provider reported usage; null when none did. */
  promptTokens: number | null;
  completionTokens: number | null;
  meanLatencyMs: number | null;
  /** Sum over rows with a known cost; `costUnknownRows` paid rows had no price. */
  costUsd: number;
  costUnknownRows: number;
  cacheHits: number;
  createdAt: Date;
  finishedAt: Date | null;
}

export async function listReportExecutionStats(
  q: Queryable,
  benchmarkExecutionUid: number,
): Promise<ReportExecutionStats[]> {
  const { rows } = await q.query<ReportExecutionStats>(
    `SELECT e.uid AS "executionUid", e.evaluator_uid AS "evaluatorUid", e.created_at AS "createdAt",
            e.finished_at AS "finishedAt",
            count(r.x_uid)::int AS rows, count(r.error)::int AS errors,
            coalesce((SELECT json_object_agg(k.error_kind, k.n) FROM
                        (SELECT error_kind, count(*)::int AS n FROM evaluator_results
                          WHERE execution_uid = e.uid AND error IS NOT NULL GROUP BY error_kind) k), '{}') AS "errorsByKind",
            sum(r.prompt_tokens)::float8 AS "promptTokens", sum(r.completion_tokens)::float8 AS "completionTokens",
            avg(r.latency_ms)::float8 AS "meanLatencyMs", coalesce(sum(r.cost_usd), 0)::float8 AS "costUsd",
            count(r.x_uid) FILTER (WHERE r.cost_usd IS NULL AND r.prompt_tokens IS NOT NULL)::int AS "costUnknownRows",
            count(r.x_uid) FILTER (WHERE r.cache_hit)::int AS "cacheHits"
       FROM evaluator_executions e LEFT JOIN evaluator_results r ON r.execution_uid = e.uid
      WHERE e.benchmark_execution_uid = $1
      GROUP BY e.uid ORDER BY e.uid`,
    [benchmarkExecutionUid],
  );
  return rows;
}

/**
 * The rows of a benchmark execution a report lists: every row compared with the ground truth (scored, with a
 * ground truth) and every row error; at most `limit`, disagreements and errors first (then evaluator and dataset
 * order), with the count of all of them and of the disagreements and errors alone.
 */
export async function listReportRows(
  q: Queryable,
  benchmarkExecutionUid: number,
  limit: number,
): Promise<{ rows: ReportDatapoint[]; total: number; problems: number }> {
  const from = `
      FROM evaluator_executions e
      JOIN evaluators ev ON ev.uid = e.evaluator_uid
      JOIN benchmarks b ON b.uid = ev.benchmark_uid
      JOIN evaluator_results r ON r.execution_uid = e.uid
      JOIN datapoints d ON d.dataset_uid = b.dataset_uid AND d.x_uid = r.x_uid
      LEFT JOIN ground_truth g ON g.criteria_uid = ev.criteria_uid AND g.x_uid = r.x_uid
     WHERE e.benchmark_execution_uid = $1 AND (r.error IS NOT NULL OR (g.score IS NOT NULL AND r.score IS NOT NULL))`;
  const agrees = 'r.error IS NULL AND g.score = r.score';
  const counts = await q.query<{ total: number; problems: number }>(
    `SELECT count(*)::int AS total, count(*) FILTER (WHERE NOT (${agrees}))::int AS problems ${from}`,
    [benchmarkExecutionUid],
  );
  const { rows } = await q.query<ReportDatapoint>(
    `SELECT e.evaluator_uid AS "evaluatorUid", d.x_uid AS "xUid", d.split, d.data, g.score AS truth, r.score,
            r.rationale, r.error, r.error_kind AS "errorKind",
            coalesce((SELECT array_agg(s.name ORDER BY s.uid) FROM slice_members m JOIN slices s ON s.uid = m.slice_uid
                       WHERE s.benchmark_uid = b.uid AND m.dataset_uid = d.dataset_uid AND m.x_uid = d.x_uid), '{}') AS slices
       ${from}
      ORDER BY coalesce(${agrees}, false), e.evaluator_uid, d.position
      LIMIT $2`,
    [benchmarkExecutionUid, limit],
  );
  return { rows, total: counts.rows[0]!.total, problems: counts.rows[0]!.problems };
}

/**
 * The datapoints both benchmark executions ($1 before, $2 after) have a result for, per evaluator and split: results
 * `ra` and `rb`, datapoint `d`, ground truth `g` (if any).
 */
const bothJudgedFrom = `
      FROM evaluator_executions ea
      JOIN evaluator_executions eb ON eb.evaluator_uid = ea.evaluator_uid AND eb.split = ea.split
      JOIN evaluator_results ra ON ra.execution_uid = ea.uid
      JOIN evaluator_results rb ON rb.execution_uid = eb.uid AND rb.x_uid = ra.x_uid
      JOIN evaluators ev ON ev.uid = ea.evaluator_uid
      JOIN benchmarks b ON b.uid = ev.benchmark_uid
      JOIN datapoints d ON d.dataset_uid = b.dataset_uid AND d.x_uid = ra.x_uid
      LEFT JOIN ground_truth g ON g.criteria_uid = ev.criteria_uid AND g.x_uid = ra.x_uid
     WHERE ea.benchmark_execution_uid = $1 AND eb.benchmark_execution_uid = $2`;

/**
 * Datapoints an evaluator scored differently in benchmark execution `after` than in `before` (a row error counts
 * as no score): at most `limit`, with the count of all of them. What `report A B` lists as changed verdicts.
 */
export async function listChangedVerdicts(
  q: Queryable,
  before: number,
  after: number,
  limit: number,
): Promise<{ rows: ChangedVerdictRow[]; total: number }> {
  const from = `${bothJudgedFrom} AND ra.score IS DISTINCT FROM rb.score`;
  const total = await q.query<{ n: number }>(`SELECT count(*)::int AS n ${from}`, [before, after]);
  const { rows } = await q.query<ChangedVerdictRow>(
    `SELECT ea.evaluator_uid AS "evaluatorUid", d.x_uid AS "xUid", d.split, d.data, g.score AS truth,
            ra.score AS before, rb.score AS after, ra.rationale AS "rationaleBefore", rb.rationale AS "rationaleAfter"
       ${from}
      ORDER BY ea.evaluator_uid, d.position
      LIMIT $3`,
    [before, after, limit],
  );
  return { rows, total: total.rows[0]!.n };
}

export interface PairedVerdictRow {
  evaluatorUid: number;
  truth: number | null;
  before: number | null;
  after: number | null;
}

/**
 * Per evaluator, every datapoint both benchmark executions have a result for (a score or a row error), with both
 * scores and the ground truth, in a fixed order (evaluator, dataset position) so a seeded bootstrap repeats.
 */
export async function listPairedVerdicts(q: Queryable, before: number, after: number): Promise<PairedVerdictRow[]> {
  const { rows } = await q.query<PairedVerdictRow>(
    `SELECT ea.evaluator_uid AS "evaluatorUid", g.score AS truth, ra.score AS before, rb.score AS after
       ${bothJudgedFrom}
      ORDER BY ea.evaluator_uid, d.position`,
    [before, after],
  );
  return rows;
}

export interface ExecutionPromptVersion {
  evaluatorUid: number;
  split: string;
  name: string;
  systemPrompt: string | null;
  userPrompt: string | null;
  modelName: string;
  fmHyperparameters: Record<string, unknown> | null;
}

/** The prompt version each evaluator execution of a benchmark execution ran, by evaluator and split. */
export async function listExecutionPromptVersions(
  q: Queryable,
  benchmarkExecutionUid: number,
): Promise<ExecutionPromptVersion[]> {
  const { rows } = await q.query<ExecutionPromptVersion>(
    `SELECT e.evaluator_uid AS "evaluatorUid", e.split, v.name, v.system_prompt AS "systemPrompt",
            v.user_prompt AS "userPrompt", v.model_name AS "modelName", v.fm_hyperparameters AS "fmHyperparameters"
       FROM evaluator_executions e JOIN prompt_versions v ON v.uid = e.prompt_version_uid
      WHERE e.benchmark_execution_uid = $1 ORDER BY e.evaluator_uid, e.split`,
    [benchmarkExecutionUid],
  );
  return rows;
}
