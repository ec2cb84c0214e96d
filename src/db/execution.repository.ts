/** Evaluator executions and their per-row results. Results are upserted by (execution_uid, x_uid). */
import type { Queryable } from './pool';
import type { StoredExecutionStatus } from '../shared/execution-contract';
import type { RowErrorKind } from '../shared/row-errors';
import type { Aggregation, LabelOrder, Sampling, Scoring, ScoringFallback } from '../shared/sampling';

export interface ExecutionRecord {
  uid: number;
  evaluatorUid: number;
  promptVersionUid: number;
  promptVersionName: string;
  /** The model of its prompt version. */
  modelName: string;
  benchmarkExecutionUid: number | null;
  split: string;
  numRows: number | null;
  concurrency: number;
  totalRows: number;
  lastPosition: number | null;
  status: StoredExecutionStatus;
  error: string | null;
  /** The budget the execution started with (raised later through its workflow, not here). */
  budgetUsd: number | null;
  budgetTokens: number | null;
  /** Whether it reuses cached answers of identical requests. */
  cache: boolean;
  /** Judgements per row and how they aggregate (self-consistency). */
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

const selectExecution = `
  SELECT e.uid, e.evaluator_uid AS "evaluatorUid", e.prompt_version_uid AS "promptVersionUid",
         v.name AS "promptVersionName", v.model_name AS "modelName",
         e.benchmark_execution_uid AS "benchmarkExecutionUid", e.split,
         e.num_rows AS "numRows", e.concurrency, e.total_rows AS "totalRows", e.last_position AS "lastPosition",
         e.status, e.error, e.budget_usd AS "budgetUsd", e.budget_tokens::float8 AS "budgetTokens", e.cache,
         e.samples, e.aggregation, e.scoring, e.scoring_fallback AS "scoringFallback",
         e.label_order AS "labelOrder", e.created_at AS "createdAt", e.finished_at AS "finishedAt"
    FROM evaluator_executions e JOIN prompt_versions v ON v.uid = e.prompt_version_uid`;

export interface NewExecution {
  evaluatorUid: number;
  promptVersionUid: number;
  benchmarkExecutionUid?: number;
  split: string;
  numRows?: number;
  concurrency: number;
  budgetUsd?: number;
  budgetTokens?: number;
  cache?: boolean;
  sampling?: Sampling;
  /** Only these datapoints of the split (all when not given). */
  xUids?: string[];
}

/** The rows an execution covers: the first `numRows` of the split in dataset order (all when not given). */
export async function splitExtent(
  q: Queryable,
  datasetUid: number,
  split: string,
  numRows: number | undefined,
  xUids?: string[],
): Promise<{ totalRows: number; lastPosition: number | null }> {
  const { rows } = await q.query<{ total: number; last: number | null }>(
    `SELECT count(*)::int AS total, max(position) AS last FROM (
       SELECT position FROM datapoints
        WHERE dataset_uid = $1 AND split = $2 AND ($4::text[] IS NULL OR x_uid = ANY($4::text[]))
        ORDER BY position LIMIT $3) r`,
    [datasetUid, split, numRows ?? null, xUids ?? null],
  );
  return { totalRows: rows[0]?.total ?? 0, lastPosition: rows[0]?.last ?? null };
}

/** Which of `xUids` are not datapoints of the split (at most `limit` of them, in the order given). */
export async function xUidsNotInSplit(
  q: Queryable,
  datasetUid: number,
  split: string,
  xUids: string[],
  limit = 5,
): Promise<{ missing: string[]; count: number }> {
  const { rows } = await q.query<{ missing: string[] | null; count: number }>(
    `SELECT (array_agg(x ORDER BY i))[1:$4] AS missing, count(*)::int AS count
       FROM unnest($3::text[]) WITH ORDINALITY AS u(x, i)
      WHERE NOT EXISTS (SELECT 1 FROM datapoints d WHERE d.dataset_uid = $1 AND d.split = $2 AND d.x_uid = u.x)`,
    [datasetUid, split, xUids, limit],
  );
  return { missing: rows[0]?.missing ?? [], count: rows[0]?.count ?? 0 };
}

export async function insertExecution(
  q: Queryable,
  e: NewExecution & { totalRows: number; lastPosition: number | null },
): Promise<number> {
  const { rows } = await q.query<{ uid: number }>(
    `INSERT INTO evaluator_executions
       (evaluator_uid, prompt_version_uid, benchmark_execution_uid, split, num_rows, concurrency, total_rows, last_position,
        budget_usd, budget_tokens, cache, samples, aggregation, scoring, scoring_fallback, label_order, x_uids)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17) RETURNING uid`,
    [
      e.evaluatorUid,
      e.promptVersionUid,
      e.benchmarkExecutionUid ?? null,
      e.split,
      e.numRows ?? null,
      e.concurrency,
      e.totalRows,
      e.lastPosition,
      e.budgetUsd ?? null,
      e.budgetTokens ?? null,
      e.cache ?? false,
      e.sampling?.samples ?? 1,
      e.sampling?.aggregation ?? 'majority',
      e.sampling?.scoring ?? 'answer',
      e.sampling?.scoringFallback ?? null,
      e.sampling?.labelOrder ?? 'shuffled',
      e.xUids ?? null,
    ],
  );
  return rows[0]!.uid;
}

export async function findExecution(q: Queryable, uid: number): Promise<ExecutionRecord | undefined> {
  const { rows } = await q.query<ExecutionRecord>(`${selectExecution} WHERE e.uid = $1`, [uid]);
  return rows[0];
}

/** The budget an execution starts with (a benchmark's share, set before its workflow starts). */
export async function setExecutionBudget(
  q: Queryable,
  uid: number,
  budget: { maxCostUsd?: number; maxTokens?: number },
): Promise<void> {
  await q.query('UPDATE evaluator_executions SET budget_usd = $2, budget_tokens = $3 WHERE uid = $1', [
    uid,
    budget.maxCostUsd ?? null,
    budget.maxTokens ?? null,
  ]);
}

/** Executions of an evaluator, oldest first. */
export async function listExecutions(q: Queryable, evaluatorUid: number): Promise<ExecutionRecord[]> {
  const { rows } = await q.query<ExecutionRecord>(
    `${selectExecution} WHERE e.evaluator_uid = $1 ORDER BY e.created_at, e.uid`,
    [evaluatorUid],
  );
  return rows;
}

/** Rows finished (scored or errored) and row errors of each execution given; absent when it has no rows yet. */
export async function countFinishedRows(
  q: Queryable,
  executionUids: number[],
): Promise<Map<number, { done: number; errors: number }>> {
  const { rows } = await q.query<{ uid: number; done: number; errors: number }>(
    `SELECT execution_uid AS uid, count(*)::int AS done, count(error)::int AS errors FROM evaluator_results
      WHERE execution_uid = ANY($1::int[]) GROUP BY execution_uid`,
    [executionUids],
  );
  return new Map(rows.map((r) => [r.uid, { done: r.done, errors: r.errors }]));
}

/** Records the final status once; a replayed or repeated call keeps the first finish time. */
export async function finishExecution(
  q: Queryable,
  uid: number,
  status: StoredExecutionStatus,
  error?: string,
): Promise<void> {
  await q.query(
    `UPDATE evaluator_executions SET status = $2, error = $3, finished_at = coalesce(finished_at, now()) WHERE uid = $1`,
    [uid, status, error ?? null],
  );
}

/**
 * Records an end for the evaluator executions of a benchmark execution that never recorded one themselves (never
 * started, or their workflow was terminated); returns how many.
 */
export async function closeUnfinishedExecutions(
  q: Queryable,
  benchmarkExecutionUid: number,
  status: StoredExecutionStatus,
  error: string,
): Promise<number> {
  const { rowCount } = await q.query(
    `UPDATE evaluator_executions SET status = $2, error = $3, finished_at = now()
      WHERE benchmark_execution_uid = $1 AND status = 'running'`,
    [benchmarkExecutionUid, status, error],
  );
  return rowCount ?? 0;
}

/** Executions still recorded as running, oldest first (for the repair step). */
export async function listRunningExecutions(q: Queryable): Promise<ExecutionRecord[]> {
  return (await q.query<ExecutionRecord>(`${selectExecution} WHERE e.status = 'running' ORDER BY e.uid`)).rows;
}

/** The next page of datapoint ids of an execution, in dataset order. */
export async function datapointPage(
  q: Queryable,
  executionUid: number,
  afterPosition: number,
  limit: number,
): Promise<{ xUids: string[]; positions: number[]; more: boolean }> {
  // One row past the page says whether another page follows, so the last page is known without asking again.
  const { rows } = await q.query<{ x_uid: string; position: number }>(
    `SELECT d.x_uid, d.position
       FROM evaluator_executions e
       JOIN evaluators ev ON ev.uid = e.evaluator_uid
       JOIN benchmarks b ON b.uid = ev.benchmark_uid
       JOIN datapoints d ON d.dataset_uid = b.dataset_uid AND d.split = e.split
      WHERE e.uid = $1 AND d.position > $2 AND d.position <= e.last_position
        AND (e.x_uids IS NULL OR d.x_uid = ANY(e.x_uids))
      ORDER BY d.position LIMIT $3`,
    [executionUid, afterPosition, limit + 1],
  );
  const page = rows.slice(0, limit);
  return { xUids: page.map((r) => r.x_uid), positions: page.map((r) => r.position), more: rows.length > limit };
}

export interface RowResult {
  executionUid: number;
  xUid: string;
  score?: number;
  rationale?: string | null;
  error?: string;
  errorKind?: RowErrorKind;
  promptTokens?: number | null;
  completionTokens?: number | null;
  latencyMs?: number | null;
  /** The model the provider says answered (it may differ from the one asked for, e.g. a dated version). */
  providerModel?: string | null;
  /** null when the model has no configured price; 0 for a cache hit. */
  costUsd?: number | null;
  /** The earlier row whose paid answer this one reuses (request cache). */
  cacheSource?: { executionUid: number; xUid: string };
  attempts: number;
  /** A row judged several times: the share of samples that agree with its score, their mean, and each sample. */
  sampled?: { confidence: number | null; expectedScore: number | null; samples: RowSample[] };
  /** A row scored by logprobs: the probability of its score, the expected score, the distribution, its entropy. */
  distributed?: { confidence: number; expectedScore: number; distribution: ScoreDistribution; entropyBits: number };
  /** The label scores in the order the judge saw them. */
  labelOrder?: number[];
}

/** Probability per label score, keyed by the score (`{"0": 0.2, "1": 0.8}`). */
export type ScoreDistribution = Record<string, number>;

/** One sample of a row as the row keeps it (for reads and exports; evaluator_samples holds the rest). */
export interface RowSample {
  score: number | null;
  rationale: string | null;
  error?: string;
}

/**
 * One round trip; a retried or replayed activity overwrites its own row instead of adding one. With `cacheKey`, a
 * scored row also becomes the request cache's answer for that key (unless one is stored already), in the same
 * statement.
 */
export async function upsertResult(q: Queryable, r: RowResult, cacheKey?: string): Promise<void> {
  await q.query(
    `WITH result AS (
     INSERT INTO evaluator_results
       (execution_uid, x_uid, score, rationale, error, error_kind, prompt_tokens, completion_tokens, latency_ms, attempts,
        provider_model, cost_usd, cache_hit, cache_source_execution_uid, cache_source_x_uid, confidence,
        expected_score, samples, distribution, entropy, label_order)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $17, $18, $19, $20, $21, $22)
     ON CONFLICT (execution_uid, x_uid) DO UPDATE SET
       score = EXCLUDED.score, rationale = EXCLUDED.rationale, error = EXCLUDED.error, error_kind = EXCLUDED.error_kind,
       prompt_tokens = EXCLUDED.prompt_tokens, completion_tokens = EXCLUDED.completion_tokens,
       latency_ms = EXCLUDED.latency_ms, attempts = EXCLUDED.attempts, provider_model = EXCLUDED.provider_model,
       cost_usd = EXCLUDED.cost_usd, cache_hit = EXCLUDED.cache_hit,
       cache_source_execution_uid = EXCLUDED.cache_source_execution_uid,
       cache_source_x_uid = EXCLUDED.cache_source_x_uid, confidence = EXCLUDED.confidence,
       expected_score = EXCLUDED.expected_score, samples = EXCLUDED.samples,
       distribution = EXCLUDED.distribution, entropy = EXCLUDED.entropy, label_order = EXCLUDED.label_order,
       updated_at = now())
     INSERT INTO judge_cache
       (request_key, execution_uid, x_uid, score, rationale, provider_model, prompt_tokens, completion_tokens)
     SELECT $16::text, $1::int, $2::text, $3::int, $4::text, $11::text, $7::int, $8::int
      WHERE $16::text IS NOT NULL AND $3::int IS NOT NULL
     ON CONFLICT (request_key) DO NOTHING`,
    [
      r.executionUid,
      r.xUid,
      r.score ?? null,
      r.rationale ?? null,
      r.score === undefined ? (r.error ?? 'unknown error') : null,
      r.score === undefined ? (r.errorKind ?? 'provider') : null,
      r.promptTokens ?? null,
      r.completionTokens ?? null,
      r.latencyMs ?? null,
      r.attempts,
      r.providerModel ?? null,
      r.costUsd ?? null,
      r.cacheSource !== undefined,
      r.cacheSource?.executionUid ?? null,
      r.cacheSource?.xUid ?? null,
      cacheKey ?? null,
      r.sampled?.confidence ?? r.distributed?.confidence ?? null,
      r.sampled?.expectedScore ?? r.distributed?.expectedScore ?? null,
      r.sampled ? JSON.stringify(r.sampled.samples) : null,
      r.distributed ? JSON.stringify(r.distributed.distribution) : null,
      r.distributed?.entropyBits ?? null,
      r.labelOrder ?? null,
    ],
  );
}

export interface StoredResult {
  xUid: string;
  score: number | null;
  rationale: string | null;
  error: string | null;
  errorKind: RowErrorKind | null;
  promptTokens: number | null;
  completionTokens: number | null;
  providerModel: string | null;
  costUsd: number | null;
  cacheHit: boolean;
  cacheSourceExecutionUid: number | null;
  cacheSourceXUid: string | null;
  /** Set when the row was judged several times. */
  confidence: number | null;
  expectedScore: number | null;
  samples: RowSample[] | null;
  /** Set when the row was scored by logprobs. */
  distribution: ScoreDistribution | null;
  entropy: number | null;
}

/** What a stored row amounts to for the workflow's counters: its score or error, and what it spent. */
export interface StoredOutcome {
  xUid: string;
  score: number | null;
  error: string | null;
  errorKind: RowErrorKind | null;
  tokens: number;
  costUsd: number | null;
  cacheHit: boolean;
}

/** The rows among `xUids` that already have a result in this execution (one query for many rows). */
export async function findStoredOutcomes(
  q: Queryable,
  executionUid: number,
  xUids: readonly string[],
): Promise<StoredOutcome[]> {
  const { rows } = await q.query<StoredOutcome>(
    `SELECT x_uid AS "xUid", score, error, error_kind AS "errorKind",
            (coalesce(prompt_tokens, 0) + coalesce(completion_tokens, 0))::int AS tokens,
            cost_usd::float8 AS "costUsd", cache_hit AS "cacheHit"
       FROM evaluator_results WHERE execution_uid = $1 AND x_uid = ANY($2::text[])`,
    [executionUid, xUids],
  );
  return rows;
}

/** All results of an execution so far, in dataset order. */
export async function listResults(q: Queryable, executionUid: number): Promise<StoredResult[]> {
  const { rows } = await q.query<StoredResult>(
    `SELECT r.x_uid AS "xUid", r.score, r.rationale, r.error, r.error_kind AS "errorKind",
            r.prompt_tokens AS "promptTokens", r.completion_tokens AS "completionTokens",
            r.provider_model AS "providerModel", r.cost_usd AS "costUsd", r.cache_hit AS "cacheHit",
            r.cache_source_execution_uid AS "cacheSourceExecutionUid", r.cache_source_x_uid AS "cacheSourceXUid",
            r.confidence, r.expected_score AS "expectedScore", r.samples, r.distribution, r.entropy
       FROM evaluator_results r
       JOIN evaluator_executions e ON e.uid = r.execution_uid
       JOIN evaluators ev ON ev.uid = e.evaluator_uid
       JOIN benchmarks b ON b.uid = ev.benchmark_uid
       LEFT JOIN datapoints d ON d.dataset_uid = b.dataset_uid AND d.x_uid = r.x_uid
      WHERE r.execution_uid = $1
      ORDER BY d.position`,
    [executionUid],
  );
  return rows;
}

/** Mean tokens and latency per scored, paid row of earlier executions of a prompt version (for estimates). */
export async function versionHistory(
  q: Queryable,
  promptVersionUid: number,
): Promise<{ rows: number; meanCompletionTokens: number | null; meanLatencyMs: number | null }> {
  const { rows } = await q.query<{ rows: number; meanCompletionTokens: number | null; meanLatencyMs: number | null }>(
    // Per answer: a row judged several times paid for each of its samples' completions.
    `SELECT count(*)::int AS rows, avg(r.completion_tokens::float8 / e.samples) AS "meanCompletionTokens",
            avg(r.latency_ms)::float8 AS "meanLatencyMs"
       FROM evaluator_results r JOIN evaluator_executions e ON e.uid = r.execution_uid
      WHERE e.prompt_version_uid = $1 AND r.score IS NOT NULL AND NOT r.cache_hit AND r.completion_tokens IS NOT NULL`,
    [promptVersionUid],
  );
  return rows[0]!;
}
