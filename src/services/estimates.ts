/**
 * What an execution will cost before it runs: the prompts of its rows rendered as the worker will render them,
 * their input tokens counted with the model family's tokenizer, the expected output tokens (from past executions
 * of the same prompt version, else `max_tokens`, else a default), the cost from the price table, and the time at
 * the concurrency given the latency seen before. Reads PostgreSQL only; calls no model.
 */
import { NoEvaluatorsError, NotFoundError, UnknownSplitError } from '../errors';
import { findBenchmark } from '../db/benchmark.repository';
import { findCriteria } from '../db/criteria.repository';
import { countBySplit, listDatapoints } from '../db/dataset.repository';
import { splitExtent, versionHistory } from '../db/execution.repository';
import { findEvaluator, listEvaluators, type PromptVersionRecord } from '../db/evaluator.repository';
import type { Queryable } from '../db/pool';
import { buildJudgeMessages, type JudgeCriteriaSpec } from '../llm/messages';
import { costUsd, type PriceTable } from '../llm/pricing';
import { outputTokenCap, roughTokenCounter, tokenCounterFor, type TokenCounter } from '../llm/tokens';
import { compileTemplate } from '../prompt/template';
import { defaultSplits } from './benchmark-executions';
import type { StorageContext } from './context';
import { checkNumRows, resolveConcurrency } from './execute-options';
import { resolvePromptVersion } from './prompt-versions';

/** Rows rendered and counted at most; beyond that the count is scaled from them (and the estimate says so). */
export const ESTIMATE_SAMPLE_ROWS = 2_000;
/**
 * Output tokens per row when neither past executions nor max_tokens say: the answer format asks for a JSON score
 * and a rationale of one or two sentences, about 40 tokens.
 */
export const DEFAULT_OUTPUT_TOKENS = 40;

export interface ExecutionEstimate {
  evaluatorUid: number;
  split: string;
  versionName: string;
  model: string;
  rows: number;
  /** Rows whose prompts were rendered and counted (all of them, up to ESTIMATE_SAMPLE_ROWS). */
  countedRows: number;
  inputTokens: number;
  outputTokens: number;
  totalTokens: number;
  /** null when the model has no configured price. */
  costUsd: number | null;
  /** At `concurrency`, from the mean latency of past executions of the version; null without any. */
  seconds: number | null;
  concurrency: number;
  tokenizer: { encoding: string; approximate: boolean };
  outputTokensFrom: 'past executions' | 'max_tokens' | 'default';
  /** What the estimate assumed, in words. */
  notes: string[];
}

export interface EstimateOptions {
  split: string;
  numRows?: number;
  versionName?: string;
  concurrency?: number;
}

export async function estimateEvaluatorExecution(
  ctx: StorageContext,
  evaluator: { evaluatorUid: number; benchmarkUid: number; criteriaUid: number; promptWorkflowUid: number },
  options: EstimateOptions,
): Promise<ExecutionEstimate> {
  checkNumRows(options.numRows);
  const concurrency = resolveConcurrency(ctx.config, options.concurrency);
  const benchmark = await findBenchmark(ctx.db, evaluator.benchmarkUid);
  if (!benchmark) throw new NotFoundError('benchmark', evaluator.benchmarkUid);
  const version = await resolvePromptVersion(ctx.db, evaluator.promptWorkflowUid, options.versionName);
  const { totalRows } = await splitExtent(ctx.db, benchmark.datasetUid, options.split, options.numRows);
  if (totalRows === 0)
    throw new UnknownSplitError(options.split, Object.keys(await countBySplit(ctx.db, benchmark.datasetUid)));
  const criteria = (await findCriteria(ctx.db, evaluator.criteriaUid))!;
  const perRow = await estimateRows(ctx.db, ctx.config.spend.prices, {
    datasetUid: benchmark.datasetUid,
    split: options.split,
    rows: totalRows,
    version,
    criteria,
  });
  const scale = totalRows / perRow.countedRows;
  const inputTokens = Math.round(perRow.inputTokens * scale);
  const outputTokens = Math.round(perRow.outputTokensPerRow * totalRows);
  const cost = costUsd(ctx.config.spend.prices, version.modelName, inputTokens, outputTokens);
  const notes = [...perRow.notes];
  if (perRow.countedRows < totalRows)
    notes.push(`input tokens counted on the first ${perRow.countedRows} of ${totalRows} rows and scaled`);
  if (cost === null)
    notes.push(`no price is configured for model "${version.modelName}" (JUDGEFLOW_MODEL_PRICES): cost unknown`);
  // The model's rate limit shared by all workers (JUDGEFLOW_MODELS) sets a floor under the time, whatever the latency.
  const { rpm, tpm } = ctx.config.modelConfigs[version.modelName] ?? {};
  const limitSeconds = Math.max(rpm ? (totalRows * 60) / rpm : 0, tpm ? ((inputTokens + outputTokens) * 60) / tpm : 0);
  const latencySeconds = perRow.meanLatencyMs === null ? null : (totalRows * perRow.meanLatencyMs) / concurrency / 1000;
  const seconds =
    latencySeconds === null && limitSeconds === 0 ? null : Math.round(Math.max(latencySeconds ?? 0, limitSeconds));
  if (latencySeconds === null)
    notes.push(
      limitSeconds > 0
        ? `no past execution of this version: time is at least the model's shared rate limit allows`
        : 'no past execution of this version: time unknown',
    );
  else
    notes.push(
      `time at concurrency ${concurrency} with the mean latency of past executions` +
        (limitSeconds > latencySeconds ? `, held to the model's shared rate limit (JUDGEFLOW_MODELS)` : ''),
    );
  return {
    evaluatorUid: evaluator.evaluatorUid,
    split: options.split,
    versionName: version.name,
    model: version.modelName,
    rows: totalRows,
    countedRows: perRow.countedRows,
    inputTokens,
    outputTokens,
    totalTokens: inputTokens + outputTokens,
    costUsd: cost,
    seconds,
    concurrency,
    tokenizer: perRow.tokenizer,
    outputTokensFrom: perRow.outputTokensFrom,
    notes,
  };
}

/** Renders and counts the first rows of a split (at most ESTIMATE_SAMPLE_ROWS) for a prompt version. */
export async function estimateRows(
  q: Queryable,
  prices: PriceTable,
  p: {
    datasetUid: number;
    split: string;
    rows: number;
    version: PromptVersionRecord;
    criteria: JudgeCriteriaSpec;
    /** The model's tokenizer unless given. */
    counter?: TokenCounter;
  },
) {
  const counter = p.counter ?? (await tokenCounterFor(p.version.modelName));
  const renderSystem = p.version.systemPrompt ? compileTemplate(p.version.systemPrompt) : undefined;
  const renderUser = p.version.userPrompt ? compileTemplate(p.version.userPrompt) : undefined;
  const sample = await listDatapoints(q, p.datasetUid, {
    split: p.split,
    limit: Math.min(p.rows, ESTIMATE_SAMPLE_ROWS),
  });
  let inputTokens = 0;
  let unrenderable = 0;
  for (const row of sample) {
    try {
      const messages = buildJudgeMessages({
        systemPrompt: renderSystem?.(row.data),
        userPrompt: renderUser?.(row.data),
        criteria: p.criteria,
      });
      inputTokens += counter.countMessages(messages);
    } catch {
      unrenderable += 1;
    }
  }
  const history = await versionHistory(q, p.version.uid);
  const maxTokens = outputTokenCap(p.version.fmHyperparameters);
  const [outputTokensPerRow, outputTokensFrom] =
    history.meanCompletionTokens !== null
      ? ([history.meanCompletionTokens, 'past executions'] as const)
      : maxTokens !== undefined
        ? ([maxTokens, 'max_tokens'] as const)
        : ([DEFAULT_OUTPUT_TOKENS, 'default'] as const);
  const notes: string[] = [];
  if (counter.approximate)
    notes.push(
      `model "${p.version.modelName}" has no known tokenizer: counted with ${counter.encoding}, an approximation`,
    );
  if (unrenderable) notes.push(`${unrenderable} row(s) cannot be rendered and will be row errors (not counted)`);
  notes.push(
    outputTokensFrom === 'past executions'
      ? `output: ${Math.round(outputTokensPerRow)} tokens per row, the mean of ${history.rows} past rows of this version`
      : outputTokensFrom === 'max_tokens'
        ? `output: max_tokens (${outputTokensPerRow}) per row, an upper bound`
        : `output: ${DEFAULT_OUTPUT_TOKENS} tokens per row assumed (no past execution of this version, no max_tokens)`,
  );
  const countedRows = Math.max(1, sample.length);
  const inputPerRow = inputTokens / countedRows;
  return {
    countedRows,
    inputTokens,
    outputTokensPerRow,
    outputTokensFrom,
    meanLatencyMs: history.meanLatencyMs,
    tokenizer: { encoding: counter.encoding, approximate: counter.approximate },
    /** One row's expected spend, for the budget stage before any row has paid. */
    perRow: {
      tokens: inputPerRow + outputTokensPerRow,
      costUsd: costUsd(prices, p.version.modelName, inputPerRow, outputTokensPerRow),
    },
    notes,
  };
}

/**
 * A recorded execution's expected spend per row, from its first rows: the budget stage's guess before any row paid.
 * `rough` counts about four characters a token instead of loading the model's tokenizer (for an execution with no
 * budget yet, where the guess serves only a budget set before its first row has paid).
 */
export async function estimateExecutionRow(
  ctx: StorageContext,
  execution: { evaluatorUid: number; promptVersionName: string; split: string; totalRows: number },
  { rough }: { rough: boolean },
): Promise<{ tokens: number; costUsd: number | null }> {
  const evaluator = (await findEvaluator(ctx.db, execution.evaluatorUid))!;
  const benchmark = (await findBenchmark(ctx.db, evaluator.benchmarkUid))!;
  const version = await resolvePromptVersion(ctx.db, evaluator.promptWorkflowUid!, execution.promptVersionName);
  const criteria = (await findCriteria(ctx.db, evaluator.criteriaUid))!;
  const estimate = await estimateRows(ctx.db, ctx.config.spend.prices, {
    datasetUid: benchmark.datasetUid,
    split: execution.split,
    rows: Math.min(execution.totalRows, PLAN_SAMPLE_ROWS),
    version,
    criteria,
    ...(rough && { counter: roughTokenCounter() }),
  });
  return estimate.perRow;
}

/** Rows the plan of an execution counts for its per-row estimate: enough for a mean, cheap at start. */
const PLAN_SAMPLE_ROWS = 50;

export interface BenchmarkEstimate {
  benchmarkUid: number;
  executions: ExecutionEstimate[];
  rows: number;
  inputTokens: number;
  outputTokens: number;
  totalTokens: number;
  /** null when any evaluator's model has no configured price. */
  costUsd: number | null;
  /** The slowest evaluator execution (they run side by side); null when any is unknown. */
  seconds: number | null;
}

/** Every prompt evaluator × split a benchmark execution with these options would run, estimated and summed. */
export async function estimateBenchmarkExecution(
  ctx: StorageContext,
  benchmarkUid: number,
  options: { splits?: string[]; numRows?: number; concurrency?: number },
): Promise<BenchmarkEstimate> {
  const benchmark = await findBenchmark(ctx.db, benchmarkUid);
  if (!benchmark) throw new NotFoundError('benchmark', benchmarkUid);
  const evaluators = (await listEvaluators(ctx.db, benchmarkUid)).filter((e) => e.type === 'prompt');
  if (evaluators.length === 0) throw new NoEvaluatorsError(benchmarkUid);
  const available = Object.keys(await countBySplit(ctx.db, benchmark.datasetUid));
  const splits = options.splits ?? defaultSplits(available);
  const executions: ExecutionEstimate[] = [];
  for (const e of evaluators)
    for (const split of splits)
      executions.push(
        await estimateEvaluatorExecution(
          ctx,
          { ...e, promptWorkflowUid: e.promptWorkflowUid! },
          { split, numRows: options.numRows, concurrency: options.concurrency },
        ),
      );
  const sum = (f: (x: ExecutionEstimate) => number) => executions.reduce((n, x) => n + f(x), 0);
  return {
    benchmarkUid,
    executions,
    rows: sum((x) => x.rows),
    inputTokens: sum((x) => x.inputTokens),
    outputTokens: sum((x) => x.outputTokens),
    totalTokens: sum((x) => x.totalTokens),
    costUsd: executions.every((x) => x.costUsd !== null) ? sum((x) => x.costUsd!) : null,
    seconds: executions.every((x) => x.seconds !== null) ? Math.max(...executions.map((x) => x.seconds!)) : null,
  };
}
