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
import { upsertResult } from '../src/db/execution.repository';
import { loadJudgeContext, loadRowsByPosition, type JudgeContext } from '../src/db/judge-context.repository';
import { UnusableAnswerError } from '../src/llm/answer-errors';
import type { JudgeClient, JudgeCompletion } from '../src/llm/judge';
import { costUsd } from '../src/llm/pricing';
import { requestKey } from '../src/llm/request-key';
import { findCachedAnswer } from '../src/db/judge-cache.repository';
import { buildJudgeMessages } from '../src/llm/messages';
import { parseJudgeCompletion } from '../src/llm/parse-answer';
import { classifyLlmError, LLM_FATAL, toActivityFailure } from '../src/llm/provider-errors';
import { workerModelProblem } from '../src/services/common/execute-options';
import { compileTemplate } from '../src/prompt/template';
import {
  ANSWER_MAX_ATTEMPTS,
  ROW_MAX_ATTEMPTS,
  type JudgeDatapointParams,
  type JudgeDatapointResult,
} from '../src/shared/execution-contract';
import {
  DATABASE_UNAVAILABLE_FAILURE,
  ROW_CANCELLED_FAILURE,
  type DeferralDetails,
  type RowErrorKind,
} from '../src/shared/row-errors';
import { modelClients } from '../src/llm/model-clients';
import { AsyncCache } from './async-cache';
import { retryWhileDatabaseUnavailable } from './database-retry';
import { createSharedRateLimit } from './shared-rate-limit';
import { RowStops } from './row-stops';
import { createStoredOutcomes } from './stored-outcomes';

/** Rows are read ahead in chunks of this many dataset positions: about one query per chunk, not per row. */
const ROW_CHUNK = 256;
/** Chunks kept per worker: a few for each execution it runs at once. */
const ROW_CHUNKS_CACHED = 32;
/** With the worker's heartbeat throttle (create-worker.ts), a cancellation reaches a slow model call within ~1 s. */
const HEARTBEAT_EVERY_MS = 500;

interface CompiledContext extends JudgeContext {
  renderSystem?: (row: Record<string, unknown>) => string;
  renderUser?: (row: Record<string, unknown>) => string;
}

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
  const clientFor = modelClients(config, llm);
  const sharedLimit = createSharedRateLimit({ config, db });
  const storedOutcome = createStoredOutcomes(db);
  // Prompt versions and criteria are immutable once an execution starts: cache them per worker.
  const contexts = new AsyncCache<number, CompiledContext>(256, async (executionUid) => {
    const ctx = await loadJudgeContext(db, executionUid);
    if (!ctx) throw ApplicationFailure.nonRetryable(`evaluator execution ${executionUid} does not exist`, 'NotFound');
    const { systemPrompt, userPrompt } = ctx.version;
    return {
      ...ctx,
      renderSystem: systemPrompt ? compileTemplate(systemPrompt) : undefined,
      renderUser: userPrompt ? compileTemplate(userPrompt) : undefined,
    };
  });
  // Rows are judged in dataset order, so a few recent chunks per execution serve; 512 held a whole 100k dataset.
  const chunks = new AsyncCache<string, Map<string, Record<string, unknown>>>(ROW_CHUNKS_CACHED, (key) => {
    const [datasetUid, chunk] = key.split(':').map(Number) as [number, number];
    return loadRowsByPosition(db, datasetUid, chunk * ROW_CHUNK, (chunk + 1) * ROW_CHUNK);
  });

  async function loadRow(datasetUid: number, xUid: string, position: number) {
    const row = (await chunks.get(`${datasetUid}:${Math.floor(position / ROW_CHUNK)}`)).get(xUid);
    if (!row) throw ApplicationFailure.nonRetryable(`datapoint ${xUid} is not in dataset ${datasetUid}`, 'NotFound');
    return row;
  }

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
      return (await storedOutcome(params)) ?? (await judge(activity, row.signal, params));
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

  async function judge(
    activity: Context,
    signal: AbortSignal,
    { executionUid, xUid, position, priorAttempts = 0, rateLimitedForMs = 0 }: JudgeDatapointParams,
  ): Promise<JudgeDatapointResult> {
    // The row's attempt across deferrals: attempts before a rate limit still count.
    const attempt = priorAttempts + activity.info.attempt;
    const ctx = await contexts.get(executionUid);
    const row = await loadRow(ctx.datasetUid, xUid, position);

    const rowError = async (
      error: string,
      errorKind: RowErrorKind,
      paid?: JudgeCompletion,
    ): Promise<JudgeDatapointResult> => {
      // An answer that could not be used was still paid for: its tokens and cost are recorded with the error.
      const charge = paid && chargeOf(paid);
      await retryWhileDatabaseUnavailable(activity, () =>
        upsertResult(db, { executionUid, xUid, error, errorKind, attempts: attempt, ...charge?.usage }),
      );
      return charge ? { xUid, error, errorKind, spend: charge.spend } : { xUid, error, errorKind };
    };
    /** What an answer cost: the columns stored with the row, and the spend reported to the workflow. */
    const chargeOf = (answer: JudgeCompletion) => {
      const cost = costUsd(config.spend.prices, ctx.version.modelName, answer.promptTokens, answer.completionTokens);
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

    let messages;
    try {
      messages = buildJudgeMessages({
        systemPrompt: ctx.renderSystem?.(row),
        userPrompt: ctx.renderUser?.(row),
        criteria: ctx.criteria,
      });
    } catch (err) {
      // The row itself cannot be rendered (e.g. a missing column value): retrying will not help.
      return rowError((err as Error).message, 'unrenderable');
    }

    // The worker holds the model configuration: a model it cannot call fails the execution once, with the reason.
    const modelProblem = workerModelProblem(config, ctx.version.modelName);
    if (modelProblem) throw ApplicationFailure.create({ message: modelProblem, type: LLM_FATAL, nonRetryable: true });

    const client = clientFor(ctx.version.modelName);
    // The request cache: an identical request (endpoint, model, messages, every hyper-parameter) answered before.
    const key = requestKey({
      baseUrl: client.baseUrl,
      model: ctx.version.modelName,
      messages,
      fmHyperparameters: ctx.version.fmHyperparameters,
    });
    if (ctx.cache) {
      const cached = await retryWhileDatabaseUnavailable(activity, () => findCachedAnswer(db, key));
      if (cached) {
        await retryWhileDatabaseUnavailable(activity, () =>
          upsertResult(db, {
            executionUid,
            xUid,
            score: cached.score,
            rationale: cached.rationale,
            promptTokens: 0,
            completionTokens: 0,
            providerModel: cached.providerModel,
            costUsd: 0,
            cacheSource: { executionUid: cached.executionUid, xUid: cached.xUid },
            attempts: attempt,
          }),
        );
        return { xUid, score: cached.score, spend: { tokens: 0, costUsd: 0, cacheHit: true } };
      }
    }

    // The model's rate limit shared by all workers, when it has one: wait for this call's turn.
    const turn = await sharedLimit.take(activity, {
      baseUrl: client.baseUrl,
      model: ctx.version.modelName,
      messages,
      fmHyperparameters: ctx.version.fmHyperparameters,
    });
    let answer;
    try {
      answer = await client.complete({
        model: ctx.version.modelName,
        messages,
        fmHyperparameters: ctx.version.fmHyperparameters ?? undefined,
        signal,
      });
    } catch (err) {
      const c = classifyLlmError(err);
      if (c.kind === 'aborted') throw err;
      if (c.kind === 'rate_limited') {
        if (turn) await sharedLimit.rateLimited(activity, turn, c.retryAfterMs);
        if (rateLimitedForMs >= config.llm.rateLimitPatienceMs) {
          return rowError(
            `${c.message} — still rate limited after ${Math.round(rateLimitedForMs / 1000)} s ` +
              `(JUDGEFLOW_RATE_LIMIT_PATIENCE), so the row gave up`,
            'rate_limited',
          );
        }
      }
      if (c.kind === 'transient' && attempt >= ROW_MAX_ATTEMPTS)
        return rowError(`${c.message} (after ${attempt} attempts)`, c.rowErrorKind);
      throw toActivityFailure(err, activity.info.attempt);
    }
    if (turn) await sharedLimit.answered(activity, turn, answer);

    let parsed;
    try {
      parsed = parseJudgeCompletion(answer, ctx.criteria);
    } catch (err) {
      if (!(err instanceof UnusableAnswerError)) throw err;
      if (attempt < ANSWER_MAX_ATTEMPTS) throw ApplicationFailure.retryable(err.message, 'UnusableAnswer');
      return rowError(`${err.message} (after ${attempt} attempts)`, err.kind, answer);
    }
    // The result, and the request cache's answer for this request when it has none yet, in one round trip.
    const charge = chargeOf(answer);
    await retryWhileDatabaseUnavailable(activity, () =>
      upsertResult(
        db,
        { executionUid, xUid, score: parsed.score, rationale: parsed.rationale, attempts: attempt, ...charge.usage },
        key,
      ),
    );
    return { xUid, score: parsed.score, spend: charge.spend };
  }
}
