/**
 * What an execution will cost before it runs: the prompts of its rows rendered as the worker will render them,
 * their input tokens counted with the model family's tokenizer, the expected output tokens (from past executions
 * of the same prompt version, else `max_tokens`, else a default), the cost from the price table, and the time at
 * the concurrency given the latency seen before. Reads PostgreSQL only; calls no model.
 */
import { NotFoundError, UnknownSplitError } from '../../errors';
import { findBenchmark } from '../../db/benchmark.repository';
import { findCriteria } from '../../db/criteria.repository';
import { countBySplit } from '../../db/dataset.repository';
import { splitExtent } from '../../db/execution.repository';
import { costUsd } from '../../llm/pricing';
import type { StorageContext } from '../common/context';
import { selectPromptEvaluators } from '../common/evaluator-execution-records';
import { checkNumRows, promptsPerRow, resolveConcurrency, resolveSampling } from '../common/execute-options';
import { resolvePromptVersion } from '../common/prompt-versions';
import { estimateRows } from '../common/row-estimates';
import { resolveBenchmarkSplits } from '../common/benchmark-splits';

export interface ExecutionEstimate {
  evaluatorUid: number;
  split: string;
  versionName: string;
  model: string;
  rows: number;
  /** Judgements per row. */
  samples: number;
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
  /** Judgements per row (see ExecuteOptions.samples): output tokens grow with them, prompts with one request each. */
  samples?: number;
}

export async function estimateEvaluatorExecution(
  ctx: StorageContext,
  evaluator: { evaluatorUid: number; benchmarkUid: number; criteriaUid: number; promptWorkflowUid: number },
  options: EstimateOptions,
): Promise<ExecutionEstimate> {
  checkNumRows(options.numRows);
  const concurrency = resolveConcurrency(ctx.config, options.concurrency);
  const { samples } = resolveSampling({ samples: options.samples });
  const benchmark = await findBenchmark(ctx.db, evaluator.benchmarkUid);
  if (!benchmark) throw new NotFoundError('benchmark', evaluator.benchmarkUid);
  const version = await resolvePromptVersion(ctx.db, evaluator.promptWorkflowUid, options.versionName);
  const { totalRows } = await splitExtent(ctx.db, benchmark.datasetUid, options.split, options.numRows);
  if (totalRows === 0)
    throw new UnknownSplitError(options.split, Object.keys(await countBySplit(ctx.db, benchmark.datasetUid)));
  const criteria = (await findCriteria(ctx.db, evaluator.criteriaUid))!;
  const requestsPerRow = promptsPerRow(ctx.config, version.modelName, samples);
  const perRow = await estimateRows(ctx.db, ctx.config.spend.prices, {
    datasetUid: benchmark.datasetUid,
    split: options.split,
    rows: totalRows,
    version,
    criteria,
    sampling: { samples, promptsPerRow: requestsPerRow },
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
  const limitSeconds = Math.max(
    rpm ? (totalRows * requestsPerRow * 60) / rpm : 0,
    tpm ? ((inputTokens + outputTokens) * 60) / tpm : 0,
  );
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
    samples,
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
  options: { splits?: string[]; numRows?: number; concurrency?: number; evaluatorUids?: number[]; samples?: number },
): Promise<BenchmarkEstimate> {
  const benchmark = await findBenchmark(ctx.db, benchmarkUid);
  if (!benchmark) throw new NotFoundError('benchmark', benchmarkUid);
  const evaluators = await selectPromptEvaluators(ctx.db, benchmarkUid, options.evaluatorUids);
  const splits = resolveBenchmarkSplits(Object.keys(await countBySplit(ctx.db, benchmark.datasetUid)), options.splits);
  const executions: ExecutionEstimate[] = [];
  for (const e of evaluators)
    for (const split of splits)
      executions.push(
        await estimateEvaluatorExecution(ctx, e, {
          split,
          numRows: options.numRows,
          concurrency: options.concurrency,
          samples: options.samples,
        }),
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
