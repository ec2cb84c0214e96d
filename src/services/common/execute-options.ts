/** Checks of the options shared by evaluator and benchmark executions, and of the model a version uses. */
import type { Config } from '../../config';
import {
  BudgetNeedsPriceError,
  InvalidBudgetError,
  InvalidAggregationError,
  InvalidConcurrencyError,
  InvalidSamplesError,
  InvalidXUidsError,
  show,
  InvalidJudgingOptionError,
  InvalidNumRowsError,
  MAX_UID,
  ModelNotConfiguredError,
} from '../../errors';
import { priceOf } from '../../llm/pricing';
import { budgetProblem } from '../../shared/budget';
import type { Budget } from '../../shared/execution-contract';
import {
  AGGREGATIONS,
  LABEL_ORDERS,
  MAX_SAMPLES,
  SCORING_FALLBACKS,
  SCORINGS,
  type Aggregation,
  type LabelOrder,
  type Sampling,
  type Scoring,
  type ScoringFallback,
} from '../../shared/sampling';

export function checkNumRows(numRows: unknown): asserts numRows is number | undefined {
  if (
    numRows !== undefined &&
    (typeof numRows !== 'number' || !Number.isInteger(numRows) || numRows <= 0 || numRows > MAX_UID)
  ) {
    throw new InvalidNumRowsError(numRows);
  }
}

/** The concurrency to use: the given one (1 to JUDGEFLOW_MAX_CONCURRENCY) or JUDGEFLOW_CONCURRENCY. */
export function resolveConcurrency(config: Config, concurrency: unknown): number {
  const value = concurrency ?? config.concurrency.default;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > config.concurrency.max) {
    throw new InvalidConcurrencyError(value, config.concurrency.max);
  }
  return value;
}

/**
 * The most rows a running execution may be set to (setConcurrency): JUDGEFLOW_MAX_CONCURRENCY, or the execution's own
 * concurrency if the cap was lowered since it started; never above its model's `maxConcurrency` (JUDGEFLOW_MODELS).
 */
export function concurrencyCeiling(config: Config, execution: { concurrency: number; modelName: string }): number {
  return Math.min(Math.max(config.concurrency.max, execution.concurrency), modelMaxConcurrency(config, execution));
}

/** The rows an execution runs at once: the concurrency it asked for, within its model's `maxConcurrency`. */
export function effectiveConcurrency(config: Config, execution: { concurrency: number; modelName: string }): number {
  return Math.min(execution.concurrency, modelMaxConcurrency(config, execution));
}

function modelMaxConcurrency(config: Config, execution: { modelName: string }): number {
  return config.modelConfigs[execution.modelName]?.maxConcurrency ?? Infinity;
}

/**
 * Refuses, before anything starts, a model outside the JUDGEFLOW_MODELS allow-list when the caller has one. Whether
 * a model endpoint is configured is the worker's business (services/worker/model-access.ts): the worker holds the
 * endpoint and the key, a client script or the CLI need not.
 */
export function checkModelAllowed(config: Config, modelName: string): void {
  const problem = allowListProblem(config, modelName);
  if (problem) throw new ModelNotConfiguredError(modelName, problem);
}

/** Why JUDGEFLOW_MODELS (when set) does not allow the model, if it does not. */
export function allowListProblem({ models }: Config, modelName: string): string | undefined {
  if (models && !models.includes(modelName))
    return `JUDGEFLOW_MODELS allows ${models.map((m) => JSON.stringify(m)).join(', ')}`;
  return undefined;
}

/**
 * The budget to use: the given one (or JUDGEFLOW_BUDGET_USD / JUDGEFLOW_BUDGET_TOKENS), checked. A cost limit needs
 * the model's price: without one the cost cannot be known, and the budget is refused rather than ignored.
 */
export function resolveBudget(config: Config, budget: unknown, modelName: string): Budget {
  const value: unknown = budget ?? config.spend.budget;
  const problem = budgetProblem(value, { allowZero: false });
  if (problem) throw new InvalidBudgetError(value, problem);
  const { maxCostUsd, maxTokens } = value as Budget;
  if (maxCostUsd !== undefined && !priceOf(config.spend.prices, modelName)) throw new BudgetNeedsPriceError(modelName);
  return {
    ...(maxCostUsd !== undefined && { maxCostUsd }),
    ...(maxTokens !== undefined && { maxTokens }),
  };
}

/** The most datapoints an execution may name by x_uid. */
export const MAX_X_UIDS = 100_000;

/** `xUids`, when given: distinct non-empty strings, at least one and at most MAX_X_UIDS. */
export function checkXUids(xUids: unknown): asserts xUids is string[] | undefined {
  if (xUids === undefined) return;
  if (
    !Array.isArray(xUids) ||
    xUids.length === 0 ||
    xUids.length > MAX_X_UIDS ||
    !xUids.every((x) => typeof x === 'string' && x.length > 0) ||
    new Set(xUids).size !== xUids.length
  )
    throw new InvalidXUidsError(
      `xUids must be 1 to ${MAX_X_UIDS} distinct, non-empty x_uids, got ${show(Array.isArray(xUids) ? xUids.slice(0, 5) : xUids)}` +
        (Array.isArray(xUids) && xUids.length > 5 ? ` (${xUids.length} in all)` : ''),
    );
}

/** How a model's samples are asked for: one request with `n` (the default), or one request each (JUDGEFLOW_MODELS). */
export function samplingModeOf(config: Config, modelName: string): 'n' | 'requests' {
  return config.modelConfigs[modelName]?.sampling ?? 'n';
}

/** How many times a row's prompt is sent for its samples (for estimates and budgets). */
export function promptsPerRow(config: Config, modelName: string, samples: number): number {
  return samples > 1 && samplingModeOf(config, modelName) === 'requests' ? samples : 1;
}

/**
 * Samples per row (default 1, at most MAX_SAMPLES), how they aggregate (default majority), the scoring (default
 * answer) and its fallback (default none), checked.
 */
export function resolveSampling(options: {
  samples?: unknown;
  aggregation?: unknown;
  scoring?: unknown;
  fallback?: unknown;
  labelOrder?: unknown;
}): Sampling {
  const samples = options.samples ?? 1;
  if (typeof samples !== 'number' || !Number.isInteger(samples) || samples < 1 || samples > MAX_SAMPLES)
    throw new InvalidSamplesError(samples, MAX_SAMPLES);
  const aggregation = options.aggregation ?? 'majority';
  if (!AGGREGATIONS.includes(aggregation as Aggregation)) throw new InvalidAggregationError(aggregation, AGGREGATIONS);
  const scoring = options.scoring ?? 'answer';
  if (!SCORINGS.includes(scoring as Scoring)) throw new InvalidJudgingOptionError('scoring', scoring, SCORINGS);
  const fallback = options.fallback ?? null;
  if (fallback !== null && !SCORING_FALLBACKS.includes(fallback as ScoringFallback))
    throw new InvalidJudgingOptionError('fallback', fallback, SCORING_FALLBACKS);
  const labelOrder = options.labelOrder ?? 'shuffled';
  if (!LABEL_ORDERS.includes(labelOrder as LabelOrder))
    throw new InvalidJudgingOptionError('labelOrder', labelOrder, LABEL_ORDERS);
  return {
    samples,
    aggregation: aggregation as Aggregation,
    scoring: scoring as Scoring,
    scoringFallback: fallback as ScoringFallback | null,
    labelOrder: labelOrder as LabelOrder,
  };
}
