/**
 * The per-row activity: render the prompt from the row, call the model, parse and validate the answer against
 * the criteria's label scores, upsert the result. Temporal is the only retry layer (the openai client has
 * maxRetries 0). A rate limit or an unreachable PostgreSQL is a deferral: it goes back to the workflow, which
 * waits and retries without spending the row's attempts, until JUDGEFLOW_RATE_LIMIT_PATIENCE runs out. Fatal
 * model errors (bad key, unknown model) are non-retryable and fail the execution fast. Transient failures get
 * ROW_MAX_ATTEMPTS attempts and unusable answers ANSWER_MAX_ATTEMPTS, counted across deferrals; then the row is
 * stored with an error of its kind (see ROW_ERROR_KINDS) — never with a score.
 */
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { Config } from '../src/config';
import type { Db } from '../src/db/pool';
import { isDatabaseUnavailable } from '../src/db/errors';
import { findCachedAnswer } from '../src/db/judge-cache.repository';
import { UnusableAnswerError } from '../src/llm/answer-errors';
import type { JudgeClient, JudgeCompletion } from '../src/llm/judge';
import { buildJudgeMessages } from '../src/llm/messages';
import { modelClients } from '../src/llm/model-clients';
import { parseJudgeCompletion } from '../src/llm/parse-answer';
import { classifyLlmError, LLM_FATAL, toActivityFailure } from '../src/llm/provider-errors';
import { requestKey } from '../src/llm/request-key';
import { workerModelProblem } from '../src/services/worker/model-access';
import {
  ANSWER_MAX_ATTEMPTS,
  ROW_MAX_ATTEMPTS,
  type JudgeDatapointParams,
  type JudgeDatapointResult,
} from '../src/shared/execution-contract';
import { DATABASE_UNAVAILABLE_FAILURE, ROW_CANCELLED_FAILURE, type DeferralDetails } from '../src/shared/row-errors';
import { retryWhileDatabaseUnavailable } from './database-retry';
import { createJudgeInputs } from './judge-inputs';
import { RowStops } from './row-stops';
import { rowResults } from './row-results';
import { createSharedRateLimit, type ModelCall } from './shared-rate-limit';
import { createStoredOutcomes } from './stored-outcomes';

/** With the worker's heartbeat throttle (create-worker.ts), a cancellation reaches a slow model call within ~1 s. */
const HEARTBEAT_EVERY_MS = 500;

export function createJudgeDatapoint({
  config,
  db,
  llm,
  rowStops = new RowStops(),
}: {
  config: Config;
  db: Db;
  llm: JudgeClient;
  rowStops?: RowStops;
}) {
  const deps: JudgeDeps = {
    config,
    db,
    clientFor: modelClients(config, llm),
    sharedLimit: createSharedRateLimit({ config, db }),
    inputs: createJudgeInputs(db),
  };
  const storedOutcome = createStoredOutcomes(db);

  return async function judgeDatapoint(params: JudgeDatapointParams): Promise<JudgeDatapointResult> {
    const activity = Context.current();
    // Server-side row activities (executions that started before rows became local activities) heartbeat while
    // a row is slow, so they learn of cancellation within seconds; local ones are aborted through RowStops.
    const heartbeats = activity.info.isLocal
      ? undefined
      : setInterval(() => {
          activity.heartbeat();
        }, HEARTBEAT_EVERY_MS);
    // Aborted when the activity is cancelled, or when its execution stops (RowStops).
    const row = rowStops.track(params.executionUid, activity.cancellationSignal);
    try {
      if (row.stopped) throw row.signal.reason;
      // Judged already, by a run whose worker died before Temporal recorded it: the stored result stands.
      return (await storedOutcome(params)) ?? (await judge(deps, activity, row.signal, params));
    } catch (err) {
      if (row.stopped)
        throw ApplicationFailure.create({
          message: `row ${params.xUid} not judged: its execution stopped`,
          type: ROW_CANCELLED_FAILURE,
          nonRetryable: true,
        });
      if (!isDatabaseUnavailable(err)) throw err;
      const details: DeferralDetails = { attempt: activity.info.attempt };
      throw ApplicationFailure.create({
        message: `PostgreSQL is unavailable: ${(err as Error).message}`,
        type: DATABASE_UNAVAILABLE_FAILURE,
        details: [details],
      });
    } finally {
      row.done();
      clearInterval(heartbeats);
    }
  };
}

/** What judging a row needs, built once per worker. */
interface JudgeDeps {
  config: Config;
  db: Db;
  clientFor: ReturnType<typeof modelClients>;
  sharedLimit: ReturnType<typeof createSharedRateLimit>;
  inputs: ReturnType<typeof createJudgeInputs>;
}

/** Render, reuse an identical answer or call the model (in its shared rate limit), parse, store. */
async function judge(
  { config, db, clientFor, sharedLimit, inputs }: JudgeDeps,
  activity: Context,
  signal: AbortSignal,
  { executionUid, xUid, position, priorAttempts = 0, rateLimitedForMs = 0 }: JudgeDatapointParams,
): Promise<JudgeDatapointResult> {
  // The row's attempt across deferrals: attempts before a rate limit still count.
  const attempt = priorAttempts + activity.info.attempt;
  const ctx = await inputs.context(executionUid);
  const data = await inputs.row(ctx.datasetUid, xUid, position);
  const { modelName, fmHyperparameters } = ctx.version;
  const results = rowResults({ config, db }, { activity, executionUid, xUid, attempt, modelName });

  let messages;
  try {
    messages = buildJudgeMessages({
      systemPrompt: ctx.renderSystem?.(data),
      userPrompt: ctx.renderUser?.(data),
      criteria: ctx.criteria,
    });
  } catch (err) {
    // The row itself cannot be rendered (e.g. a missing column value): retrying will not help.
    return results.error((err as Error).message, 'unrenderable');
  }

  // The worker holds the model configuration: a model it cannot call fails the execution once, with the reason.
  const modelProblem = workerModelProblem(config, modelName);
  if (modelProblem) throw ApplicationFailure.create({ message: modelProblem, type: LLM_FATAL, nonRetryable: true });

  const client = clientFor(modelName);
  const call: ModelCall = { baseUrl: client.baseUrl, model: modelName, messages, fmHyperparameters };
  // The request cache: an identical request (endpoint, model, messages, every hyper-parameter) answered before.
  const key = requestKey(call);
  if (ctx.cache) {
    const cached = await retryWhileDatabaseUnavailable(activity, () => findCachedAnswer(db, key));
    if (cached) return results.reused(cached);
  }

  // The model's rate limit shared by all workers, when it has one: wait for this call's turn.
  const turn = await sharedLimit.take(activity, call);
  let answer: JudgeCompletion;
  try {
    answer = await client.complete({
      model: modelName,
      messages,
      fmHyperparameters: fmHyperparameters ?? undefined,
      signal,
    });
  } catch (err) {
    const c = classifyLlmError(err);
    if (c.kind === 'aborted') throw err;
    if (c.kind === 'rate_limited') {
      if (turn) await sharedLimit.rateLimited(activity, turn, c.retryAfterMs);
      if (rateLimitedForMs >= config.llm.rateLimitPatienceMs) {
        return results.error(
          `${c.message} — still rate limited after ${Math.round(rateLimitedForMs / 1000)} s ` +
            `(JUDGEFLOW_RATE_LIMIT_PATIENCE), so the row gave up`,
          'rate_limited',
        );
      }
    }
    if (c.kind === 'transient' && attempt >= ROW_MAX_ATTEMPTS)
      return results.error(`${c.message} (after ${attempt} attempts)`, c.rowErrorKind);
    throw toActivityFailure(err, activity.info.attempt);
  }
  if (turn) await sharedLimit.answered(activity, turn, answer);

  let parsed;
  try {
    parsed = parseJudgeCompletion(answer, ctx.criteria);
  } catch (err) {
    if (!(err instanceof UnusableAnswerError)) throw err;
    if (attempt < ANSWER_MAX_ATTEMPTS) throw ApplicationFailure.retryable(err.message, 'UnusableAnswer');
    return results.error(`${err.message} (after ${attempt} attempts)`, err.kind, answer);
  }
  // The result, and the request cache's answer for this request when it has none yet, in one round trip.
  return results.scored(answer, parsed, key);
}
