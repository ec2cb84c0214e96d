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
import type { SampleRecord } from '../src/db/sample.repository';
import type { AggregatedVerdict } from '../src/metrics/sample-aggregation';
import type { DistributionVerdict } from '../src/metrics/score-distribution';
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
  /** The label scores in the order the judge saw them. */
  labelOrder: number[];
}

export function rowResults({ config, db }: { config: Config; db: Db }, row: RowAttempt) {
  const { activity, executionUid, xUid, attempt } = row;
  const upsert = (
    values: Omit<Parameters<typeof upsertResult>[1], 'executionUid' | 'xUid' | 'attempts'>,
    key?: string,
  ) =>
    retryWhileDatabaseUnavailable(activity, () =>
      upsertResult(db, { executionUid, xUid, attempts: attempt, labelOrder: row.labelOrder, ...values }, key),
    );
  const chargeOf = (answer: JudgeCompletion) => answerCharge(config, row.modelName, answer);
  return {
    xUid,
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

    /**
     * A row judged several times: its verdict with the rationale of the first sample that gave it (or why it has
     * none), and what all its samples cost. Each sample is kept with the row.
     */
    async sampled(
      samples: SampleRecord[],
      outcome: { verdict: AggregatedVerdict; rationale: string | null } | { error: string; errorKind: RowErrorKind },
      latencyMs: number,
    ): Promise<JudgeDatapointResult> {
      const { usage, spend } = samplesCharge(samples, latencyMs);
      const kept = samples.map((x) => ({ score: x.score, rationale: x.rationale, ...(x.error && { error: x.error }) }));
      if ('error' in outcome) {
        await upsert({ ...outcome, ...usage, sampled: { confidence: null, expectedScore: null, samples: kept } });
        return { xUid, error: outcome.error, errorKind: outcome.errorKind, spend };
      }
      const { verdict } = outcome;
      await upsert({
        score: verdict.score,
        rationale: outcome.rationale,
        ...usage,
        sampled: { confidence: verdict.confidence, expectedScore: verdict.meanScore, samples: kept },
      });
      return { xUid, score: verdict.score, spend };
    },

    /**
     * A row scored by logprobs: the verdict from the distribution over the label scores, with the answer's rationale
     * (which argues for the answered score, when that is not the verdict).
     */
    async distributed(
      paid: JudgeCompletion,
      rationale: string | null,
      verdict: DistributionVerdict,
      distribution: { score: number; p: number }[],
    ): Promise<JudgeDatapointResult> {
      const charge = chargeOf(paid);
      await upsert({
        score: verdict.score,
        rationale,
        ...charge.usage,
        distributed: {
          confidence: verdict.confidence,
          expectedScore: verdict.meanScore,
          distribution: Object.fromEntries(distribution.map((d) => [String(d.score), d.p])),
          entropyBits: verdict.entropyBits,
        },
      });
      return { xUid, score: verdict.score, spend: charge.spend };
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

/** What an answer cost: the columns stored with the row, and the spend reported to the workflow. */
function answerCharge(config: Config, modelName: string, answer: JudgeCompletion) {
  const cost = costUsd(config.spend.prices, modelName, answer.promptTokens, answer.completionTokens);
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
}

/** What a row's samples cost together: the row's usage columns, and the spend reported to the workflow. */
function samplesCharge(samples: SampleRecord[], latencyMs: number) {
  const sum = (values: (number | null)[]) => values.reduce<number>((a, v) => a + (v ?? 0), 0);
  const promptTokens = sum(samples.map((x) => x.promptTokens));
  const completionTokens = sum(samples.map((x) => x.completionTokens));
  // A paid sample without a price makes the row's cost unknown, as a single unpriced answer does.
  const costUsd = samples.some((x) => x.costUsd === null) ? null : sum(samples.map((x) => x.costUsd));
  const cacheHit = samples.length > 0 && samples.every((x) => x.cacheHit);
  return {
    usage: {
      promptTokens,
      completionTokens,
      latencyMs,
      providerModel: samples.find((x) => x.providerModel)?.providerModel ?? null,
      costUsd,
    },
    spend: { tokens: promptTokens + completionTokens, costUsd, ...(cacheHit && { cacheHit: true as const }) },
  };
}
