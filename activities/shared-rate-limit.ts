/**
 * The shared-limit stage of a row's admission path (after the budget and the adaptive window of
 * workflows/admission.ts, right before the model call). It runs in the row activity because it needs PostgreSQL: a
 * model with `rpm` / `tpm` in JUDGEFLOW_MODELS takes a turn in the limiter every worker shares
 * (src/db/rate-limit.repository.ts) and waits for it. A turn further away than MAX_TURN_WAIT_MS is not taken: the
 * row goes back to the workflow, which frees its place and retries when a turn is near. The provider's word tightens
 * the shared limit for every worker: a 429's `retry-after`, or `x-ratelimit-remaining-*` at zero, holds all turns
 * until the provider's window resets.
 */
import type { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import type { Config, ModelConfig } from '../src/config';
import type { Db } from '../src/db/pool';
import { holdTurns, settleTokens, takeTurn } from '../src/db/rate-limit.repository';
import type { JudgeCompletion } from '../src/llm/judge';
import { DEFAULT_OUTPUT_TOKENS, outputTokenCap, tokenCounterFor } from '../src/llm/tokens';
import { SHARED_LIMIT_BUSY_FAILURE, type DeferralDetails } from '../src/shared/row-errors';
import { retryWhileDatabaseUnavailable } from './database-retry';

/** Longest wait for a turn inside the activity; further turns are waited for by the workflow, without a place. */
export const MAX_TURN_WAIT_MS = 10_000;
/** When the provider says it is rate-limiting and not for how long. */
const DEFAULT_HOLD_MS = 1_000;

export interface ModelCall {
  baseUrl: string;
  model: string;
  messages: ChatCompletionMessageParam[];
  fmHyperparameters?: Record<string, unknown> | null;
}

/** A turn taken for one call: what settling it needs. */
export interface TakenTurn {
  key: string;
  limits: ModelConfig;
  reservedTokens: number;
}

const msPerToken = (limits: ModelConfig) => (limits.tpm ? 60_000 / limits.tpm : 0);

export function createSharedRateLimit({ config, db }: { config: Config; db: Db }) {
  return {
    /** Waits for this call's turn; undefined for a model without shared limits. Throws a deferral when busy. */
    async take(activity: Context, call: ModelCall): Promise<TakenTurn | undefined> {
      const limits = config.modelConfigs[call.model];
      if (!limits?.rpm && !limits?.tpm) return undefined;
      const key = `${call.baseUrl} ${call.model}`;
      // Tokens are reserved up front (prompt plus the answer's cap) and settled when the usage is known.
      const reservedTokens = limits.tpm
        ? (await tokenCounterFor(call.model)).countMessages(call.messages) +
          (outputTokenCap(call.fmHyperparameters) ?? DEFAULT_OUTPUT_TOKENS)
        : 0;
      const turn = await retryWhileDatabaseUnavailable(activity, () =>
        takeTurn(db, {
          key,
          requestMs: limits.rpm ? 60_000 / limits.rpm : 0,
          tokensMs: reservedTokens * msPerToken(limits),
          maxWaitMs: MAX_TURN_WAIT_MS,
        }),
      );
      if ('busyForMs' in turn) {
        // Come back when a turn is about to be free; spread out, so deferred rows do not all return at once.
        const details: DeferralDetails = {
          attempt: activity.info.attempt,
          retryAfterMs: Math.round(Math.max(0, turn.busyForMs - MAX_TURN_WAIT_MS / 2) + Math.random() * 1_000),
        };
        throw ApplicationFailure.create({
          message: `the shared rate limit of model ${call.model} has no free turn for ${Math.round(turn.busyForMs / 1000)} s`,
          type: SHARED_LIMIT_BUSY_FAILURE,
          details: [details],
        });
      }
      if (turn.waitMs > 0) await activity.sleep(turn.waitMs);
      return { key, limits, reservedTokens };
    },

    /**
     * After an answer: the tokens it really used replace the reservation, and the provider's headers may hold
     * turns. Best effort: the answer is paid for, and a lost correction must not cost it.
     */
    async answered(activity: Context, turn: TakenTurn, answer: JudgeCompletion): Promise<void> {
      const { limits, key } = turn;
      const p = answer.limits;
      const requestsMs = p?.remainingRequests === 0 ? (p.resetRequestsMs ?? DEFAULT_HOLD_MS) : 0;
      const tokensMs =
        p?.remainingTokens !== undefined && p.remainingTokens < turn.reservedTokens
          ? (p.resetTokensMs ?? DEFAULT_HOLD_MS)
          : 0;
      await bestEffort(activity, async () => {
        if (limits.tpm && answer.promptTokens !== null) {
          const used = answer.promptTokens + (answer.completionTokens ?? 0);
          await settleTokens(db, key, (used - turn.reservedTokens) * msPerToken(limits));
        }
        if (requestsMs > 0 || tokensMs > 0) await holdTurns(db, key, { requestsMs, tokensMs });
      });
    },

    /** The provider rate-limited the call: no worker calls the model again before it said to. */
    async rateLimited(activity: Context, turn: TakenTurn, retryAfterMs: number | undefined): Promise<void> {
      const hold = retryAfterMs ?? DEFAULT_HOLD_MS;
      await bestEffort(activity, () => holdTurns(db, turn.key, { requestsMs: hold, tokensMs: hold }));
    },
  };
}

async function bestEffort(activity: Context, work: () => Promise<void>): Promise<void> {
  try {
    await work();
  } catch (err) {
    activity.log.warn('could not update the shared rate limit', { error: (err as Error).message });
  }
}
