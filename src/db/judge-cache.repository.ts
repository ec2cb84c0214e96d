/** The request cache: one stored answer per distinct judge request, from the row that paid for it. */
import type { Queryable } from './pool';

export interface CachedAnswer {
  executionUid: number;
  xUid: string;
  score: number;
  rationale: string | null;
  providerModel: string | null;
  promptTokens: number | null;
  completionTokens: number | null;
}

export async function findCachedAnswer(q: Queryable, requestKey: string): Promise<CachedAnswer | undefined> {
  const { rows } = await q.query<CachedAnswer>(
    `SELECT execution_uid AS "executionUid", x_uid AS "xUid", score, rationale, provider_model AS "providerModel",
            prompt_tokens AS "promptTokens", completion_tokens AS "completionTokens"
       FROM judge_cache WHERE request_key = $1`,
    [requestKey],
  );
  return rows[0];
}

/** Stores an answer unless the same request was stored first (the first payer stays the source). */
export async function storeCachedAnswer(q: Queryable, requestKey: string, a: CachedAnswer): Promise<void> {
  await q.query(
    `INSERT INTO judge_cache
       (request_key, execution_uid, x_uid, score, rationale, provider_model, prompt_tokens, completion_tokens)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (request_key) DO NOTHING`,
    [requestKey, a.executionUid, a.xUid, a.score, a.rationale, a.providerModel, a.promptTokens, a.completionTokens],
  );
}
