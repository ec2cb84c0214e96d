/**
 * A row judged several times (self-consistency): its samples are asked for — in one request with `n` (the prompt
 * paid once), or one request each when the model's `sampling` is `requests` — and each is stored the moment it is
 * answered (src/db/sample.repository.ts). A retried attempt, after a failed call, an unusable answer or a worker
 * crash, asks only for the samples still missing, so no sample is paid for twice. With the request cache on, a
 * sample reuses the cached answer of its own sample key. When every sample is usable (or the answer attempts are
 * spent) the verdict is aggregated and the row stored once, with its confidence and every sample.
 */
import { ApplicationFailure } from '@temporalio/common';
import type { Config } from '../src/config';
import { findCachedAnswer } from '../src/db/judge-cache.repository';
import type { Db } from '../src/db/pool';
import { loadSamples, upsertSamples, type SampleRecord } from '../src/db/sample.repository';
import { UnusableAnswerError } from '../src/llm/answer-errors';
import type { JudgeClient, JudgeCompletion } from '../src/llm/judge';
import { parseJudgeCompletion } from '../src/llm/parse-answer';
import { costUsd } from '../src/llm/pricing';
import { sampleRequestKey } from '../src/llm/request-key';
import { aggregateSamples } from '../src/metrics/sample-aggregation';
import { samplingModeOf } from '../src/services/common/execute-options';
import { ANSWER_MAX_ATTEMPTS, type JudgeDatapointResult } from '../src/shared/execution-contract';
import type { RowErrorKind } from '../src/shared/row-errors';
import { retryWhileDatabaseUnavailable } from './database-retry';
import type { CompiledContext } from './judge-inputs';
import { callModel, type CallContext } from './model-call';
import type { rowResults } from './row-results';
import type { ModelCall } from './shared-rate-limit';

export interface SampledRow {
  config: Config;
  db: Db;
  results: ReturnType<typeof rowResults>;
  ctx: CompiledContext;
  client: JudgeClient;
  call: ModelCall;
  /** The request's cache key (sample 0's). */
  key: string;
  callContext: CallContext;
}

export async function judgeSamples(row: SampledRow): Promise<JudgeDatapointResult> {
  const { db, ctx, callContext } = row;
  const { activity, attempt } = callContext;
  const { executionUid } = ctx;
  const xUid = row.results.xUid;
  const store = (samples: (SampleRecord & { cacheKey?: string })[]) =>
    retryWhileDatabaseUnavailable(activity, () => upsertSamples(db, executionUid, xUid, samples));

  const stored = new Map(
    (await retryWhileDatabaseUnavailable(activity, () => loadSamples(db, executionUid, xUid))).map((s) => [s.index, s]),
  );
  const missing = () =>
    Array.from({ length: ctx.samples }, (_, i) => i).filter((i) => (stored.get(i)?.score ?? null) === null);

  if (ctx.cache) {
    const hits: SampleRecord[] = [];
    for (const index of missing()) {
      const cached = await retryWhileDatabaseUnavailable(activity, () =>
        findCachedAnswer(db, sampleRequestKey(row.key, index)),
      );
      if (cached)
        hits.push({
          ...emptySample(index),
          ...cached,
          promptTokens: 0,
          completionTokens: 0,
          costUsd: 0,
          cacheHit: true,
        });
    }
    await store(hits);
    for (const h of hits) stored.set(h.index, h);
  }

  const started = performance.now();
  const gaveUp = await askFor(row, missing(), async (samples) => {
    await store(samples);
    for (const s of samples) stored.set(s.index, s);
  });
  const latencyMs = Math.round(performance.now() - started);
  // Read back rather than kept in memory: a sample asked again also carries what its earlier answers cost.
  const samples = await retryWhileDatabaseUnavailable(activity, () => loadSamples(db, executionUid, xUid));
  if (gaveUp) return row.results.sampled(samples, { error: gaveUp.message, errorKind: gaveUp.kind }, latencyMs);

  const unusable = samples.filter((s) => s.score === null);
  if (unusable.length && attempt < ANSWER_MAX_ATTEMPTS)
    throw ApplicationFailure.retryable(
      `${unusable.length} of ${ctx.samples} samples unusable: ${unusable[0]!.error}`,
      'UnusableAnswer',
    );
  const scored = samples.filter((s): s is SampleRecord & { score: number } => s.score !== null);
  if (!scored.length) {
    const last = unusable[unusable.length - 1]!;
    return row.results.sampled(
      samples,
      {
        error: `${last.error} (no usable sample after ${attempt} attempts)`,
        errorKind: last.errorKind ?? 'unparseable',
      },
      latencyMs,
    );
  }
  // With answer attempts spent, the verdict is the usable samples' (confidence counts those only).
  const verdict = aggregateSamples(
    scored.map((s) => s.score),
    ctx.aggregation,
    ctx.criteria.labels.map((l) => l.score),
  );
  const rationale = scored.find((s) => s.score === verdict.score)?.rationale ?? null;
  return row.results.sampled(samples, { verdict, rationale }, latencyMs);
}

/**
 * Asks the model for the samples at `indexes`, handing each call's samples to `keep` as they arrive. Returns why
 * the row gave up (rate-limit patience or row attempts spent), or undefined. A call that must be retried rethrows
 * once every call of this attempt has settled, so none is still in flight when the retry asks again.
 */
async function askFor(
  row: SampledRow,
  indexes: number[],
  keep: (samples: (SampleRecord & { cacheKey?: string })[]) => Promise<void>,
): Promise<{ message: string; kind: RowErrorKind } | undefined> {
  if (!indexes.length) return undefined;
  const withN = samplingModeOf(row.config, row.call.model) === 'n';
  const groups = withN ? [indexes] : indexes.map((i) => [i]);
  const settled = await Promise.allSettled(
    groups.map(async (group) => {
      let wanted = group;
      // A provider may answer fewer choices than `n` asked for: the rest are asked for again.
      while (wanted.length) {
        const n = wanted.length;
        const call = n > 1 ? { ...row.call, fmHyperparameters: { ...row.call.fmHyperparameters, n } } : row.call;
        const outcome = await callModel(row.callContext, row.client, call);
        if ('gaveUp' in outcome) return outcome.gaveUp;
        const answered = samplesOf(row, outcome.answer, wanted);
        await keep(answered);
        if (!answered.length) return { message: 'the provider answered no choice', kind: 'provider' as const };
        wanted = wanted.slice(answered.length);
      }
      return undefined;
    }),
  );
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) throw failed.reason;
  return settled
    .map((s) => (s as PromiseFulfilledResult<{ message: string; kind: RowErrorKind } | undefined>).value)
    .find(Boolean);
}

/** The samples one completion answered, for `indexes` in order; the call's usage goes with its first sample. */
export function samplesOf(
  row: SampledRow,
  answer: JudgeCompletion,
  indexes: number[],
): (SampleRecord & { cacheKey?: string })[] {
  const price = (promptTokens: number | null, completionTokens: number | null) =>
    costUsd(row.config.spend.prices, row.call.model, promptTokens, completionTokens);
  return answer.choices.slice(0, indexes.length).map((choice, j) => {
    const index = indexes[j]!;
    const usage =
      j === 0
        ? {
            promptTokens: answer.promptTokens,
            completionTokens: answer.completionTokens,
            costUsd: price(answer.promptTokens, answer.completionTokens),
          }
        : { promptTokens: 0, completionTokens: 0, costUsd: price(0, 0) };
    const base = { ...emptySample(index), ...usage, providerModel: answer.model };
    try {
      const parsed = parseJudgeCompletion(choice, row.ctx.criteria);
      return { ...base, ...parsed, cacheKey: sampleRequestKey(row.key, index) };
    } catch (err) {
      if (!(err instanceof UnusableAnswerError)) throw err;
      return { ...base, error: err.message, errorKind: err.kind };
    }
  });
}

function emptySample(index: number): SampleRecord {
  return {
    index,
    score: null,
    rationale: null,
    error: null,
    errorKind: null,
    promptTokens: null,
    completionTokens: null,
    costUsd: null,
    providerModel: null,
    cacheHit: false,
  };
}
