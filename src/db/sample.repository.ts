/**
 * The samples of a row judged several times (self-consistency), one row each by (execution, datapoint, sample
 * index), written as each answer arrives: a row retried after a crash or a failed call asks only for the samples it
 * lacks. A scored sample also becomes the request cache's answer for its sample key, as a single answer does.
 */
import type { RowErrorKind } from '../shared/row-errors';
import type { Queryable } from './pool';

export interface SampleRecord {
  index: number;
  score: number | null;
  rationale: string | null;
  error: string | null;
  errorKind: RowErrorKind | null;
  promptTokens: number | null;
  completionTokens: number | null;
  /** null when the model has no configured price; 0 for a cache hit or a sample that shared its call. */
  costUsd: number | null;
  providerModel: string | null;
  cacheHit: boolean;
}

export async function loadSamples(q: Queryable, executionUid: number, xUid: string): Promise<SampleRecord[]> {
  const { rows } = await q.query<SampleRecord>(
    `SELECT sample_index AS index, score, rationale, error, error_kind AS "errorKind",
            prompt_tokens AS "promptTokens", completion_tokens AS "completionTokens", cost_usd AS "costUsd",
            provider_model AS "providerModel", cache_hit AS "cacheHit"
       FROM evaluator_samples WHERE execution_uid = $1 AND x_uid = $2 ORDER BY sample_index`,
    [executionUid, xUid],
  );
  return rows;
}

/** Stores the samples one call answered (or the cache gave), in one statement; `cacheKeys` per scored sample. */
export async function upsertSamples(
  q: Queryable,
  executionUid: number,
  xUid: string,
  samples: (SampleRecord & { cacheKey?: string })[],
): Promise<void> {
  if (samples.length === 0) return;
  await q.query(
    `WITH given AS (
       SELECT * FROM jsonb_to_recordset($3::jsonb) AS s(
         index int, score int, rationale text, error text, "errorKind" text, "promptTokens" int,
         "completionTokens" int, "costUsd" float8, "providerModel" text, "cacheHit" boolean, "cacheKey" text)
     ), stored AS (
       INSERT INTO evaluator_samples
         (execution_uid, x_uid, sample_index, score, rationale, error, error_kind, prompt_tokens, completion_tokens,
          cost_usd, provider_model, cache_hit)
       SELECT $1, $2, index, score, rationale, error, "errorKind", "promptTokens", "completionTokens", "costUsd",
              "providerModel", "cacheHit"
         FROM given
       ON CONFLICT (execution_uid, x_uid, sample_index) DO UPDATE SET
         score = EXCLUDED.score, rationale = EXCLUDED.rationale, error = EXCLUDED.error,
         error_kind = EXCLUDED.error_kind,
         -- A sample asked again (its earlier answer was unusable) keeps what the earlier answer cost too.
         prompt_tokens = coalesce(evaluator_samples.prompt_tokens, 0) + coalesce(EXCLUDED.prompt_tokens, 0),
         completion_tokens = coalesce(evaluator_samples.completion_tokens, 0) + coalesce(EXCLUDED.completion_tokens, 0),
         cost_usd = evaluator_samples.cost_usd + EXCLUDED.cost_usd,
         provider_model = EXCLUDED.provider_model, cache_hit = EXCLUDED.cache_hit, updated_at = now())
     INSERT INTO judge_cache
       (request_key, execution_uid, x_uid, score, rationale, provider_model, prompt_tokens, completion_tokens)
     SELECT "cacheKey", $1, $2, score, rationale, "providerModel", "promptTokens", "completionTokens"
       FROM given WHERE "cacheKey" IS NOT NULL AND score IS NOT NULL
     ON CONFLICT (request_key) DO NOTHING`,
    [executionUid, xUid, JSON.stringify(samples)],
  );
}
