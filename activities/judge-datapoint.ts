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
import { requestHyperparameters } from '../src/llm/answer-schema';
import type { JudgeClient } from '../src/llm/judge';
import { orderLabels } from '../src/llm/label-order';
import { buildJudgeMessages } from '../src/llm/messages';
import { modelClients } from '../src/llm/model-clients';
import { LLM_FATAL } from '../src/llm/provider-errors';
import { requestKey } from '../src/llm/request-key';
import { workerModelProblem } from '../src/services/worker/model-access';
import { type JudgeDatapointParams, type JudgeDatapointResult } from '../src/shared/execution-contract';
import { DATABASE_UNAVAILABLE_FAILURE, ROW_CANCELLED_FAILURE, type DeferralDetails } from '../src/shared/row-errors';
import { retryWhileDatabaseUnavailable } from './database-retry';
import { createJudgeInputs } from './judge-inputs';
import { judgeByLogprobs } from './judge-logprobs';
import { judgeSamples } from './judge-samples';
import { callModel, type CallContext } from './model-call';
import { RowStops } from './row-stops';
import { rowResults } from './row-results';
import { parseOrRetry } from './unusable-answer';
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

/**
 * Render, reuse an identical answer or call the model (in its shared rate limit), parse, store; a row judged
 * several times goes to judgeSamples.
 */
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
  const { modelName } = ctx.version;
  // The labels in the order this row lists them (order-bias control), stored with its result.
  const shown = { ...ctx.criteria, labels: orderLabels(ctx.criteria.labels, ctx.labelOrder, xUid) };
  const labelOrder = shown.labels.map((l) => l.score);
  const results = rowResults({ config, db }, { activity, executionUid, xUid, attempt, modelName, labelOrder });

  let messages;
  try {
    messages = buildJudgeMessages({
      systemPrompt: ctx.renderSystem?.(data),
      userPrompt: ctx.renderUser?.(data),
      criteria: shown,
    });
  } catch (err) {
    // The row itself cannot be rendered (e.g. a missing column value): retrying will not help.
    return results.error((err as Error).message, 'unrenderable');
  }

  // The worker holds the model configuration: a model it cannot call fails the execution once, with the reason.
  const modelProblem = workerModelProblem(config, modelName);
  if (modelProblem) throw ApplicationFailure.create({ message: modelProblem, type: LLM_FATAL, nonRetryable: true });

  const client = clientFor(modelName);
  // The schema keeps the criteria's order: providers constrain decoding with it; the judge reads the listed labels.
  const fmHyperparameters = requestHyperparameters(
    ctx.version.fmHyperparameters,
    ctx.criteria,
    config.modelConfigs[modelName]?.structuredOutputs ?? true,
  );
  const call: ModelCall = { baseUrl: client.baseUrl, model: modelName, messages, fmHyperparameters };
  // The request cache: an identical request (endpoint, model, messages, every hyper-parameter) answered before.
  const key = requestKey(call);
  const callContext: CallContext = { config, sharedLimit, activity, signal, attempt, rateLimitedForMs };
  const judged = { config, db, results, ctx, client, call, key, callContext };
  if (ctx.scoring === 'logprobs') return judgeByLogprobs(judged);
  if (ctx.samples > 1) return judgeSamples(judged);
  if (ctx.cache) {
    const cached = await retryWhileDatabaseUnavailable(activity, () => findCachedAnswer(db, key));
    if (cached) return results.reused(cached);
  }
  const outcome = await callModel(callContext, client, call);
  if ('gaveUp' in outcome) return results.error(outcome.gaveUp.message, outcome.gaveUp.kind);
  const { answer } = outcome;

  const read = parseOrRetry(results, attempt, answer, ctx.criteria);
  if ('unusable' in read) return read.unusable;
  const { parsed } = read;
  // The result, and the request cache's answer for this request when it has none yet, in one round trip.
  return results.scored(answer, parsed, key);
}
