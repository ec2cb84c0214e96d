/**
 * The per-row activity: render the prompt from the row, call the model, parse and validate the answer against
 * the criteria's label scores, upsert the result. Temporal is the only retry layer (the openai client has
 * maxRetries 0): rate limits and transient failures are rethrown as retryable failures, fatal ones (bad key,
 * unknown model) as non-retryable, which fails the execution fast. Answers that cannot be parsed get
 * ANSWER_MAX_ATTEMPTS tries, then become a row error; so does anything still failing at the last attempt.
 */
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { Db } from '../src/db/pool';
import { upsertResult } from '../src/db/execution.repository';
import { loadJudgeContext, loadRowsByPosition, type JudgeContext } from '../src/db/judge-context.repository';
import type { JudgeClient } from '../src/llm/judge';
import { buildJudgeMessages } from '../src/llm/messages';
import { parseJudgeAnswer } from '../src/llm/parse-answer';
import { classifyLlmError, toActivityFailure } from '../src/llm/provider-errors';
import { compileTemplate } from '../src/prompt/template';
import {
  ANSWER_MAX_ATTEMPTS,
  ROW_MAX_ATTEMPTS,
  type JudgeDatapointParams,
  type JudgeDatapointResult,
} from '../src/shared/execution-contract';
import { AsyncCache } from './async-cache';

/** Rows are read ahead in chunks of this many dataset positions: about one query per chunk, not per row. */
const ROW_CHUNK = 256;
const HEARTBEAT_EVERY_MS = 1_000;

interface CompiledContext extends JudgeContext {
  renderSystem?: (row: Record<string, unknown>) => string;
  renderUser?: (row: Record<string, unknown>) => string;
}

export function createJudgeDatapoint({ db, llm }: { db: Db; llm: JudgeClient }) {
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
  const chunks = new AsyncCache<string, Map<string, Record<string, unknown>>>(512, (key) => {
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
    // Heartbeat only while a row is slow (the SDK throttles them): fast rows cost no extra RPC, slow ones still
    // learn of cancellation within seconds and are not timed out while they wait on the model.
    const heartbeats = setInterval(() => {
      activity.heartbeat();
    }, HEARTBEAT_EVERY_MS);
    try {
      return await judge(activity, params);
    } finally {
      clearInterval(heartbeats);
    }
  };

  async function judge(
    activity: Context,
    { executionUid, xUid, position }: JudgeDatapointParams,
  ): Promise<JudgeDatapointResult> {
    const attempt = activity.info.attempt;
    const ctx = await contexts.get(executionUid);
    const row = await loadRow(ctx.datasetUid, xUid, position);

    const rowError = async (error: string): Promise<JudgeDatapointResult> => {
      await upsertResult(db, { executionUid, xUid, error, attempts: attempt });
      return { xUid, error };
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
      return rowError((err as Error).message);
    }

    let answer;
    try {
      answer = await llm.complete({
        model: ctx.version.modelName,
        messages,
        fmHyperparameters: ctx.version.fmHyperparameters ?? undefined,
        signal: activity.cancellationSignal,
      });
    } catch (err) {
      const kind = classifyLlmError(err).kind;
      if (kind === 'aborted') throw err;
      const failure = toActivityFailure(err);
      if (failure.nonRetryable || attempt < ROW_MAX_ATTEMPTS) throw failure;
      return rowError(`${failure.message} (after ${attempt} attempts)`);
    }

    let parsed;
    try {
      parsed = parseJudgeAnswer(answer.content, ctx.criteria);
    } catch (err) {
      const message = (err as Error).message;
      if (attempt < ANSWER_MAX_ATTEMPTS) throw ApplicationFailure.retryable(message, 'UnusableAnswer');
      return rowError(`${message} (after ${attempt} attempts)`);
    }
    await upsertResult(db, {
      executionUid,
      xUid,
      score: parsed.score,
      rationale: parsed.rationale,
      promptTokens: answer.promptTokens,
      completionTokens: answer.completionTokens,
      latencyMs: answer.latencyMs,
      attempts: attempt,
    });
    return { xUid, score: parsed.score };
  }
}
