/**
 * Writing one row's outcome: a score, a reused (cached) answer, or a row error; each upserted by (execution,
 * datapoint) and retried while PostgreSQL is unreachable. An answer that could not be used was still paid for:
 * its tokens and cost are recorded with the error. Returns what the workflow is told (kept tiny: it lands in
 * history).
 */
import type { Context } from '@temporalio/activity';
import type { Config } from '../src/config';
import type { CachedAnswer } from '../src/db/judge-cache.repository';
import { upsertResult } from '../src/db/execution.repository';
import type { Db } from '../src/db/pool';
import type { JudgeCompletion } from '../src/llm/judge';
import { costUsd } from '../src/llm/pricing';
import type { JudgeDatapointResult } from '../src/shared/execution-contract';
import type { RowErrorKind } from '../src/shared/row-errors';
import { retryWhileDatabaseUnavailable } from './database-retry';

export interface RowAttempt {
  activity: Context;
  executionUid: number;
  xUid: string;
  /** The row's attempt across deferrals. */
  attempt: number;
  modelName: string;
}

export function rowResults({ config, db }: { config: Config; db: Db }, row: RowAttempt) {
  const { activity, executionUid, xUid, attempt } = row;
  const upsert = (
    values: Omit<Parameters<typeof upsertResult>[1], 'executionUid' | 'xUid' | 'attempts'>,
    key?: string,
  ) =>
    retryWhileDatabaseUnavailable(activity, () =>
      upsertResult(db, { executionUid, xUid, attempts: attempt, ...values }, key),
    );
  /** What an answer cost: the columns stored with the row, and the spend reported to the workflow. */
  const chargeOf = (answer: JudgeCompletion) => {
    const cost = costUsd(config.spend.prices, row.modelName, answer.promptTokens, answer.completionTokens);
    return {
      usage: {
        promptTokens: answer.promptTokens,
        completionTokens: answer.completionTokens,
        latencyMs: answer.latencyMs,
        providerModel: answer.model,
        costUsd: cost,
      },
      spend: { tokens: (answer.promptTokens ?? 0) + (answer.completionTokens ?? 0), costUsd: cost },
    };
  };
  return {
    async error(error: string, errorKind: RowErrorKind, paid?: JudgeCompletion): Promise<JudgeDatapointResult> {
      const charge = paid && chargeOf(paid);
      await upsert({ error, errorKind, ...charge?.usage });
      return charge ? { xUid, error, errorKind, spend: charge.spend } : { xUid, error, errorKind };
    },

    /** A score; `requestKey` also stores the answer in the request cache when it has none for it yet. */
    async scored(
      answer: JudgeCompletion,
      parsed: { score: number; rationale: string | null },
      requestKey: string,
    ): Promise<JudgeDatapointResult> {
      const charge = chargeOf(answer);
      await upsert({ score: parsed.score, rationale: parsed.rationale, ...charge.usage }, requestKey);
      return { xUid, score: parsed.score, spend: charge.spend };
    },

    /** An identical earlier request's answer, reused: no tokens, no cost, and where it came from. */
    async reused(cached: CachedAnswer): Promise<JudgeDatapointResult> {
      await upsert({
        score: cached.score,
        rationale: cached.rationale,
        promptTokens: 0,
        completionTokens: 0,
        providerModel: cached.providerModel,
        costUsd: 0,
        cacheSource: { executionUid: cached.executionUid, xUid: cached.xUid },
      });
      return { xUid, score: cached.score, spend: { tokens: 0, costUsd: 0, cacheHit: true } };
    },
  };
}
