/**
 * One model call of a row, in its shared rate limit, with the row's error rules: an aborted call is rethrown; a rate
 * limit is retried by the workflow until the patience runs out; a transient failure is retried until the row's
 * attempts run out; then the row gives up with an error of its kind. Fatal errors fail the execution.
 */
import type { Context } from '@temporalio/activity';
import type { Config } from '../src/config';
import type { JudgeClient, JudgeCompletion } from '../src/llm/judge';
import { classifyLlmError, toActivityFailure } from '../src/llm/provider-errors';
import { ROW_MAX_ATTEMPTS } from '../src/shared/execution-contract';
import type { RowErrorKind } from '../src/shared/row-errors';
import type { createSharedRateLimit, ModelCall } from './shared-rate-limit';

export type CallOutcome = { answer: JudgeCompletion } | { gaveUp: { message: string; kind: RowErrorKind } };

export interface CallContext {
  config: Config;
  sharedLimit: ReturnType<typeof createSharedRateLimit>;
  activity: Context;
  signal: AbortSignal;
  /** The row's attempt across deferrals, and how long it has waited out rate limits. */
  attempt: number;
  rateLimitedForMs: number;
}

export async function callModel(c: CallContext, client: JudgeClient, call: ModelCall): Promise<CallOutcome> {
  // The model's rate limit shared by all workers, when it has one: wait for this call's turn.
  const turn = await c.sharedLimit.take(c.activity, call);
  let answer: JudgeCompletion;
  try {
    answer = await client.complete({
      model: call.model,
      messages: call.messages,
      fmHyperparameters: call.fmHyperparameters ?? undefined,
      signal: c.signal,
    });
  } catch (err) {
    const e = classifyLlmError(err);
    if (e.kind === 'aborted') throw err;
    if (e.kind === 'rate_limited') {
      if (turn) await c.sharedLimit.rateLimited(c.activity, turn, e.retryAfterMs);
      if (c.rateLimitedForMs >= c.config.llm.rateLimitPatienceMs) {
        return {
          gaveUp: {
            message:
              `${e.message} — still rate limited after ${Math.round(c.rateLimitedForMs / 1000)} s ` +
              `(JUDGEFLOW_RATE_LIMIT_PATIENCE), so the row gave up`,
            kind: 'rate_limited',
          },
        };
      }
    }
    if (e.kind === 'transient' && c.attempt >= ROW_MAX_ATTEMPTS)
      return { gaveUp: { message: `${e.message} (after ${c.attempt} attempts)`, kind: e.rowErrorKind } };
    throw toActivityFailure(err, c.activity.info.attempt);
  }
  if (turn) await c.sharedLimit.answered(c.activity, turn, answer);
  return { answer };
}
