/**
 * Benchmark executions, each use case once: start (validate, record, run its workflow), list, status, progress,
 * wait, cancel; and, for the workflow's activities, planning its evaluator executions and recording its end.
 */
import { NoEvaluatorsError, NotFoundError, UnknownSplitError } from '../errors';
import {
  failUnstartedBenchmarkExecution,
  findBenchmarkExecution,
  finishBenchmarkExecution as recordBenchmarkEnd,
  insertBenchmarkExecution,
  listBenchmarkChildren,
  listBenchmarkExecutions as listBenchmarkExecutionRecords,
  lockBenchmarkExecution,
  type BenchmarkExecutionRecord,
} from '../db/benchmark-execution.repository';
import { findBenchmark } from '../db/benchmark.repository';
import { countBySplit } from '../db/dataset.repository';
import { listEvaluators, type EvaluatorSummary } from '../db/evaluator.repository';
import { closeUnfinishedExecutions, setExecutionBudget } from '../db/execution.repository';
import type { BenchmarkChild, BenchmarkProgress } from '../shared/benchmark-contract';
import type { Budget, ExecutionStatus, StoredExecutionStatus } from '../shared/execution-contract';
import { benchmarkExecutionSearchAttributes } from '../shared/search-attributes';
import { benchmarkExecutionWorkflowId, workflowUrl } from '../shared/workflow-ids';
import { startWorkflow } from '../temporal/start-workflow';
import {
  benchmarkCancelSignal,
  benchmarkExecutionWorkflow,
  benchmarkProgressQuery,
} from '../../workflows/benchmark-execution';
import { summarizeBenchmarkExecution } from './benchmark-summary';
import type { ServiceContext, StorageContext } from './context';
import { createEvaluatorExecution } from './evaluator-executions';
import { checkModelAllowed, checkNumRows, resolveBudget, resolveConcurrency } from './execute-options';
import { reconcileStatus, signalCancel, type ReconciledStatus } from './execution-status';
import { resolvePromptVersion } from './prompt-versions';

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
  /**
   * Spend limit of the whole run (default JUDGEFLOW_BUDGET_USD / JUDGEFLOW_BUDGET_TOKENS), shared by its evaluator
   * executions in proportion to their rows; each pauses when its share would be exceeded.
   */
  budget?: Budget;
  /** Reuse stored answers of identical requests (default JUDGEFLOW_CACHE). */
  cache?: boolean;
  /** Wait for the end before returning. */
  sync?: boolean;
  /** Test hook: rows per workflow run before continue-as-new. */
  pageSize?: number;
}

/** The split held out by default, as in the reference. */
export const HELD_OUT_SPLIT = 'test';

export function defaultSplits(available: string[]): string[] {
  const runnable = available.filter((s) => s !== HELD_OUT_SPLIT);
  return runnable.length ? runnable : available;
}

/** Validates (splits, options, every evaluator's model), records the benchmark execution and starts its workflow. */
export async function startBenchmarkExecution(
  ctx: ServiceContext,
  benchmarkUid: number,
  options: BenchmarkExecuteOptions = {},
): Promise<BenchmarkExecutionRecord> {
  const { numRows } = options;
  checkNumRows(numRows);
  const concurrency = resolveConcurrency(ctx.config, options.concurrency);
  const benchmark = await findBenchmark(ctx.db, benchmarkUid);
  if (!benchmark) throw new NotFoundError('benchmark', benchmarkUid);
  const evaluators = promptEvaluators(await listEvaluators(ctx.db, benchmarkUid));
  if (evaluators.length === 0) throw new NoEvaluatorsError(benchmarkUid);
  const available = Object.keys(await countBySplit(ctx.db, benchmark.datasetUid));
  const splits = options.splits ?? defaultSplits(available);
  for (const split of splits) if (!available.includes(split)) throw new UnknownSplitError(split, available);
  if (splits.length === 0) throw new UnknownSplitError('(none given)', available);
  // Refuse a model that may not be used before anything is recorded, as a single execution does.
  let budget: Budget = {};
  for (const e of evaluators) {
    const { modelName } = await resolvePromptVersion(ctx.db, e.promptWorkflowUid);
    checkModelAllowed(ctx.config, modelName);
    budget = resolveBudget(ctx.config, options.budget, modelName);
  }

  const uid = await insertBenchmarkExecution(ctx.db, {
    benchmarkUid,
    name: options.name,
    createdBy: ctx.config.user,
    splits: [...new Set(splits)],
    numRows,
    concurrency,
    budgetUsd: budget.maxCostUsd,
    budgetTokens: budget.maxTokens,
    cache: options.cache ?? ctx.config.spend.cache,
  });
  const handle = await startWorkflow(
    ctx,
    benchmarkExecutionWorkflow,
    {
      workflowId: benchmarkExecutionWorkflowId(benchmarkUid, uid),
      args: [{ benchmarkExecutionUid: uid, pageSize: options.pageSize }],
      searchAttributes: benchmarkExecutionSearchAttributes(benchmarkUid),
      summary:
        `Benchmark ${benchmarkUid}, execution ${uid}: every evaluator on ${splits.map((s) => `"${s}"`).join(', ')}` +
        (numRows ? ` (first ${numRows} rows each)` : ''),
    },
    (reason) => failUnstartedBenchmarkExecution(ctx.db, uid, reason),
  );
  if (options.sync) await handle.result().catch(() => undefined);
  return requireBenchmarkExecution(ctx, uid);
}

export async function requireBenchmarkExecution(ctx: StorageContext, uid: number): Promise<BenchmarkExecutionRecord> {
  const record = await findBenchmarkExecution(ctx.db, uid);
  if (!record) throw new NotFoundError('benchmark execution', uid);
  return record;
}

/** A benchmark's executions, newest first (so `[0]` is the latest, as in the reference). */
export function listBenchmarkExecutions(
  ctx: StorageContext,
  benchmarkUid: number,
): Promise<BenchmarkExecutionRecord[]> {
  return listBenchmarkExecutionRecords(ctx.db, benchmarkUid);
}

/** The reconciled status (see execution-status.ts): a terminated workflow reads as failed. */
export async function benchmarkExecutionStatus(ctx: ServiceContext, uid: number): Promise<ReconciledStatus> {
  const record = await findBenchmarkExecution(ctx.db, uid);
  return reconcileStatus(
    record,
    () => workflowHandle(ctx, record ?? { benchmarkUid: 0, uid }),
    () => findBenchmarkExecution(ctx.db, uid),
  );
}

/** Live progress of each evaluator execution, from the workflow's `progress` query. */
export async function getBenchmarkExecutionProgress(ctx: ServiceContext, uid: number): Promise<BenchmarkProgress> {
  return (await workflowHandle(ctx, await requireBenchmarkExecution(ctx, uid))).query(benchmarkProgressQuery);
}

/** Waits for the workflow to end (or returns at once when Temporal no longer knows it); returns the final status. */
export async function waitForBenchmarkExecution(ctx: ServiceContext, uid: number): Promise<ExecutionStatus> {
  const record = await requireBenchmarkExecution(ctx, uid);
  // Failed or cancelled workflows reject; the reconciled status says which.
  await (await workflowHandle(ctx, record)).result().catch(() => undefined);
  return (await benchmarkExecutionStatus(ctx, uid)).status;
}

/** Stops every evaluator execution of the run; results already written are kept. */
export async function cancelBenchmarkExecution(ctx: ServiceContext, uid: number, reason?: string): Promise<void> {
  const record = await requireBenchmarkExecution(ctx, uid);
  if (record.status !== 'running') return;
  await signalCancel(await workflowHandle(ctx, record), benchmarkCancelSignal, reason);
}

export function benchmarkExecutionUrl(ctx: StorageContext, record: { benchmarkUid: number; uid: number }): string {
  const t = ctx.config.temporal;
  return workflowUrl(t.uiUrl, t.namespace, benchmarkExecutionWorkflowId(record.benchmarkUid, record.uid));
}

/**
 * The evaluator executions of a benchmark execution, created on first call (one per prompt evaluator and split,
 * with each evaluator's latest prompt version) in one transaction under a row lock; later calls return the same
 * ones, so a retried activity is safe.
 */
export async function planBenchmarkExecution(
  ctx: StorageContext,
  benchmarkExecutionUid: number,
): Promise<BenchmarkChild[]> {
  return ctx.db.withTransaction(async (tx) => {
    await lockBenchmarkExecution(tx, benchmarkExecutionUid);
    const existing = await listBenchmarkChildren(tx, benchmarkExecutionUid);
    if (existing.length) return existing;
    const be = await findBenchmarkExecution(tx, benchmarkExecutionUid);
    if (!be) throw new NotFoundError('benchmark execution', benchmarkExecutionUid);
    const benchmark = await findBenchmark(tx, be.benchmarkUid);
    if (!benchmark) throw new NotFoundError('benchmark', be.benchmarkUid);
    const children: BenchmarkChild[] = [];
    for (const evaluator of promptEvaluators(await listEvaluators(tx, be.benchmarkUid))) {
      for (const split of be.splits) {
        const created = await createEvaluatorExecution(tx, ctx.config, {
          evaluator,
          datasetUid: benchmark.datasetUid,
          split,
          numRows: be.numRows ?? undefined,
          concurrency: be.concurrency,
          benchmarkExecutionUid,
          cache: be.cache,
        });
        if (!created) continue;
        const { executionUid, totalRows } = created;
        children.push({
          evaluatorUid: evaluator.evaluatorUid,
          benchmarkUid: be.benchmarkUid,
          executionUid,
          split,
          totalRows,
        });
      }
    }
    // The run's budget, shared in proportion to rows (each child pauses on its own share).
    const rows = children.reduce((n, c) => n + c.totalRows, 0);
    if (rows > 0 && (be.budgetUsd !== null || be.budgetTokens !== null))
      for (const c of children)
        await setExecutionBudget(tx, c.executionUid, {
          maxCostUsd: be.budgetUsd === null ? undefined : (be.budgetUsd * c.totalRows) / rows,
          maxTokens: be.budgetTokens === null ? undefined : Math.floor((be.budgetTokens * c.totalRows) / rows),
        });
    return children;
  });
}

/**
 * Records the end of a benchmark execution with its agreement summary. Evaluator executions that never recorded
 * their own end (never started, or terminated) are closed here too, where the benchmark workflow ends.
 */
export async function finishBenchmarkExecution(
  ctx: StorageContext,
  p: { benchmarkExecutionUid: number; status: StoredExecutionStatus; error?: string },
): Promise<void> {
  const unfinished = p.status === 'cancelled' ? 'cancelled' : 'failed';
  await closeUnfinishedExecutions(
    ctx.db,
    p.benchmarkExecutionUid,
    unfinished,
    `ended with benchmark execution ${p.benchmarkExecutionUid} (${p.status}) without recording a result`,
  );
  const summary = await summarizeBenchmarkExecution(ctx.db, p.benchmarkExecutionUid);
  await recordBenchmarkEnd(ctx.db, p.benchmarkExecutionUid, p.status, p.error, summary);
}

function promptEvaluators(evaluators: EvaluatorSummary[]) {
  return evaluators.flatMap((e) =>
    e.type === 'prompt' && e.promptWorkflowUid !== null ? [{ ...e, promptWorkflowUid: e.promptWorkflowUid }] : [],
  );
}

async function workflowHandle(ctx: ServiceContext, record: { benchmarkUid: number; uid: number }) {
  return (await ctx.temporal()).workflow.getHandle<typeof benchmarkExecutionWorkflow>(
    benchmarkExecutionWorkflowId(record.benchmarkUid, record.uid),
  );
}
