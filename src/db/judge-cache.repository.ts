/**
 * The request cache: one stored answer per distinct judge request, from the row that paid for it (stored with the
 * result: execution.repository.ts `upsertResult`).
 */
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
