/**
 * A benchmark execution's record: its options checked (splits, rows, concurrency, every evaluator's model and the
 * budget) and inserted, before its workflow starts. Shared by a client's start and a scheduled run's activity.
 */
import { NotFoundError } from '../../errors';
import {
  findBenchmarkExecution,
  insertBenchmarkExecution,
  type BenchmarkExecutionRecord,
} from '../../db/benchmark-execution.repository';
import { findBenchmark } from '../../db/benchmark.repository';
import { countBySplit } from '../../db/dataset.repository';
import type { Config } from '../../config';
import type { Queryable } from '../../db/pool';
import type { Budget } from '../../shared/execution-contract';
import type { Aggregation, LabelOrder, Scoring, ScoringFallback } from '../../shared/sampling';
import type { StorageContext } from './context';

/** A StorageContext, or the same inside a transaction (a scheduled run records its execution in one). */
export interface QueryContext {
  readonly config: Config;
  readonly db: Queryable;
}
import { selectPromptEvaluators } from './evaluator-execution-records';
import { checkModelAllowed, checkNumRows, resolveBudget, resolveConcurrency, resolveSampling } from './execute-options';
import { resolvePromptVersion } from './prompt-versions';
import { resolveBenchmarkSplits } from './benchmark-splits';

export interface BenchmarkExecuteOptions {
  /** Name of the execution; "Execution N" when not given. */
  name?: string;
  /** Splits to run on. Default: every split of the dataset except `test`, which is held out (all splits when
   * `test` is the only one). Datapoints of other splits are exported with missing scores. */
  splits?: string[];
  /** The first `numRows` rows of each split, in dataset order. */
  numRows?: number;
  /** Rows judged at once per evaluator execution. */
  concurrency?: number;
  /** Only these of the benchmark's prompt evaluators (default: every one). */
  evaluatorUids?: number[];
  /**
   * Spend limit of the whole run (default JUDGEFLOW_BUDGET_USD / JUDGEFLOW_BUDGET_TOKENS), shared by its evaluator
   * executions in proportion to their rows; each pauses when its share would be exceeded.
   */
  budget?: Budget;
  /** Reuse stored answers of identical requests (default JUDGEFLOW_CACHE). */
  cache?: boolean;
  /** Judgements per row for every evaluator (default 1, at most MAX_SAMPLES), and how they aggregate. */
  samples?: number;
  aggregation?: Aggregation;
  /** How every evaluator scores a row (see ExecuteOptions.scoring), and what it does without logprobs. */
  scoring?: Scoring;
  fallback?: ScoringFallback;
  /** How every evaluator lists a row's labels (see ExecuteOptions.labelOrder). */
  labelOrder?: LabelOrder;
  /** Wait for the end before returning. */
  sync?: boolean;
  /** Test hook: rows per workflow run before continue-as-new. */
  pageSize?: number;
}

/** What a benchmark execution will run, checked: nothing is recorded yet. */
export async function planBenchmarkExecutionRecord(
  ctx: QueryContext,
  benchmarkUid: number,
  options: BenchmarkExecuteOptions,
) {
  checkNumRows(options.numRows);
  const concurrency = resolveConcurrency(ctx.config, options.concurrency);
  const benchmark = await findBenchmark(ctx.db, benchmarkUid);
  if (!benchmark) throw new NotFoundError('benchmark', benchmarkUid);
  const evaluators = await selectPromptEvaluators(ctx.db, benchmarkUid, options.evaluatorUids);
  const splits = resolveBenchmarkSplits(Object.keys(await countBySplit(ctx.db, benchmark.datasetUid)), options.splits);
  // Refuse a model that may not be used before anything is recorded, as a single execution does.
  let budget: Budget = {};
  for (const e of evaluators) {
    const { modelName } = await resolvePromptVersion(ctx.db, e.promptWorkflowUid);
    checkModelAllowed(ctx.config, modelName);
    budget = resolveBudget(ctx.config, options.budget, modelName);
  }
  const sampling = resolveSampling(options);
  return { concurrency, evaluators, splits, budget, sampling, cache: options.cache ?? ctx.config.spend.cache };
}

/** Checks the options and records the execution (status running, no workflow yet); `createdBy` defaults to the user. */
export async function recordBenchmarkExecution(
  ctx: QueryContext,
  benchmarkUid: number,
  options: BenchmarkExecuteOptions,
  createdBy: string = ctx.config.user,
) {
  const plan = await planBenchmarkExecutionRecord(ctx, benchmarkUid, options);
  const uid = await insertBenchmarkExecution(ctx.db, {
    benchmarkUid,
    name: options.name,
    createdBy,
    splits: plan.splits,
    numRows: options.numRows,
    concurrency: plan.concurrency,
    evaluatorUids: options.evaluatorUids && plan.evaluators.map((e) => e.evaluatorUid),
    budgetUsd: plan.budget.maxCostUsd,
    budgetTokens: plan.budget.maxTokens,
    cache: plan.cache,
    sampling: plan.sampling,
  });
  return { uid, ...plan };
}

export async function requireBenchmarkExecution(ctx: StorageContext, uid: number): Promise<BenchmarkExecutionRecord> {
  const record = await findBenchmarkExecution(ctx.db, uid);
  if (!record) throw new NotFoundError('benchmark execution', uid);
  return record;
}
