/**
 * A row scored by logprobs: one request with `logprobs` and `top_logprobs`, the answer parsed strictly as always,
 * and the verdict made from the judge's probability over the label scores at its score token. A model that returns
 * no logprobs fails the execution with the reason — never a silent fallback — unless the execution asked for
 * `fallback: 'samples'`: then the paid answer becomes the row's first sample and the rest are sampled. The request
 * cache is not read: it keeps answers, not distributions.
 */
import { ApplicationFailure } from '@temporalio/common';
import { loadSamples, upsertSamples } from '../src/db/sample.repository';
import { LLM_FATAL } from '../src/llm/provider-errors';
import { MAX_LOGPROB_SCORE, readScoreLogprobs, TOP_LOGPROBS } from '../src/llm/score-logprobs';
import { distributionVerdict } from '../src/metrics/score-distribution';
import type { JudgeDatapointResult } from '../src/shared/execution-contract';
import { FALLBACK_SAMPLES } from '../src/shared/sampling';
import { retryWhileDatabaseUnavailable } from './database-retry';
import { judgeSamples, samplesOf, type SampledRow } from './judge-samples';
import { callModel } from './model-call';
import { parseOrRetry, retryOrRowError } from './unusable-answer';

const fatal = (message: string) => ApplicationFailure.create({ message, type: LLM_FATAL, nonRetryable: true });

export async function judgeByLogprobs(row: SampledRow): Promise<JudgeDatapointResult> {
  const { ctx, callContext, results, db } = row;
  const { activity, attempt } = callContext;
  const labels = ctx.criteria.labels.map((l) => l.score);
  const bad = labels.find((s) => !Number.isInteger(s) || s < 0 || s > MAX_LOGPROB_SCORE);
  if (bad !== undefined)
    throw fatal(
      `scoring "logprobs" reads label scores that are one token each, integers 0 to ${MAX_LOGPROB_SCORE}: ` +
        `criteria "${ctx.criteria.name}" has the score ${bad}; run it with scoring "answer"`,
    );
  const fallback = { ...row, ctx: { ...ctx, samples: Math.max(ctx.samples, FALLBACK_SAMPLES) } };
  // A row that already fell back to samples (before a retry or a crash) goes on sampling, asking nothing twice.
  const stored = await retryWhileDatabaseUnavailable(activity, () => loadSamples(db, ctx.executionUid, results.xUid));
  if (stored.length) return judgeSamples(fallback);

  const call = {
    ...row.call,
    fmHyperparameters: { ...row.call.fmHyperparameters, logprobs: true, top_logprobs: TOP_LOGPROBS },
  };
  const outcome = await callModel(callContext, row.client, call);
  if ('gaveUp' in outcome) return results.error(outcome.gaveUp.message, outcome.gaveUp.kind);
  const { answer } = outcome;
  const read = parseOrRetry(results, attempt, answer, ctx.criteria);
  if ('unusable' in read) return read.unusable;
  const { parsed } = read;
  const choice = answer.choices[0];
  const reading = readScoreLogprobs(choice?.content ?? answer.content, choice?.logprobs, labels);
  if ('missing' in reading) {
    if (ctx.scoringFallback !== 'samples')
      throw fatal(
        `model "${call.model}" returned no logprobs, so scoring "logprobs" cannot score its rows (reasoning models ` +
          `return none): run it with scoring "answer", or with fallback "samples" to judge each row by ` +
          `${fallback.ctx.samples} samples instead`,
      );
    await retryWhileDatabaseUnavailable(activity, () =>
      upsertSamples(db, ctx.executionUid, results.xUid, samplesOf(fallback, answer, [0])),
    );
    return judgeSamples(fallback);
  }
  if ('problem' in reading)
    return retryOrRowError(results, attempt, { message: reading.problem, kind: 'unparseable' }, answer);
  const verdict = distributionVerdict(reading.distribution, ctx.aggregation);
  return results.distributed(answer, parsed.rationale, verdict, reading.distribution);
}
