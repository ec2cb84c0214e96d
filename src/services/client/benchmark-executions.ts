/**
 * Benchmark executions, each client-side use case once: start (validate, record, run its workflow), list, status,
 * progress, wait, cancel. Planning its evaluator executions and recording its end are worker-side steps
 * (worker/benchmark-plan.ts, common/benchmark-end.ts).
 */
import { NotFoundError } from '../../errors';
import {
  countBenchmarkFinishedRows,
  failUnstartedBenchmarkExecution,
  findBenchmarkExecution,
  insertBenchmarkExecution,
  listBenchmarkExecutions as listBenchmarkExecutionRecords,
  type BenchmarkExecutionRecord,
} from '../../db/benchmark-execution.repository';
import { findBenchmark } from '../../db/benchmark.repository';
import { countBySplit } from '../../db/dataset.repository';
import type { BenchmarkProgress } from '../../shared/benchmark-contract';
import type { Budget, ExecutionStatus } from '../../shared/execution-contract';
import { benchmarkExecutionSearchAttributes } from '../../shared/search-attributes';
import { benchmarkExecutionWorkflowId, workflowUrl } from '../../shared/workflow-ids';
import { startWorkflow, workflowHandle as handleOf } from '../../temporal/start-workflow';
import type { InstanceContext, StorageContext } from '../common/context';
import { selectPromptEvaluators } from '../common/evaluator-execution-records';
import { checkModelAllowed, checkNumRows, resolveBudget, resolveConcurrency } from '../common/execute-options';
import { resolvePromptVersion } from '../common/prompt-versions';
import { resolveBenchmarkSplits } from './benchmark-splits';
import type { ServiceContext } from './context';
import { reconcileStatus, signalCancel, type ReconciledStatus } from './execution-status';

export type { BenchmarkExecutionRecord } from '../../db/benchmark-execution.repository';

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
  /** Wait for the end before returning. */
  sync?: boolean;
  /** Test hook: rows per workflow run before continue-as-new. */
  pageSize?: number;
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
  const evaluators = await selectPromptEvaluators(ctx.db, benchmarkUid, options.evaluatorUids);
  const splits = resolveBenchmarkSplits(Object.keys(await countBySplit(ctx.db, benchmark.datasetUid)), options.splits);
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
    splits,
    numRows,
    concurrency,
    evaluatorUids: options.evaluatorUids && evaluators.map((e) => e.evaluatorUid),
    budgetUsd: budget.maxCostUsd,
    budgetTokens: budget.maxTokens,
    cache: options.cache ?? ctx.config.spend.cache,
  });
  const handle = await startWorkflow(
    ctx,
    'benchmarkExecutionWorkflow',
    {
      workflowId: benchmarkExecutionWorkflowId(ctx.instanceId, benchmarkUid, uid),
      args: [{ benchmarkExecutionUid: uid, pageSize: options.pageSize }],
      searchAttributes: benchmarkExecutionSearchAttributes(benchmarkUid),
      summary:
        `Benchmark ${benchmarkUid}, execution ${uid}: ` +
        (options.evaluatorUids ? `evaluators ${evaluators.map((e) => e.evaluatorUid).join(', ')}` : 'every evaluator') +
        ` on ${splits.map((s) => `"${s}"`).join(', ')}` +
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

/** Rows its evaluator executions finished so far (scored or errored), and how many of them are row errors. */
export async function benchmarkExecutionRowCounts(
  ctx: StorageContext,
  uid: number,
): Promise<{ done: number; errors: number }> {
  return (await countBenchmarkFinishedRows(ctx.db, [uid])).get(uid) ?? { done: 0, errors: 0 };
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
  // Signal, query and Update definitions load with the Temporal client, when a workflow is addressed.
  const { benchmarkProgressQuery } = await import('../../../workflows/definitions');
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
  const { cancelSignal } = await import('../../../workflows/definitions');
  await signalCancel(await workflowHandle(ctx, record), cancelSignal, reason);
}

export function benchmarkExecutionUrl(
  ctx: StorageContext & InstanceContext,
  record: { benchmarkUid: number; uid: number },
): string {
  const t = ctx.config.temporal;
  return workflowUrl(
    t.uiUrl,
    t.namespace,
    benchmarkExecutionWorkflowId(ctx.instanceId, record.benchmarkUid, record.uid),
  );
}

function workflowHandle(ctx: ServiceContext, record: { benchmarkUid: number; uid: number }) {
  return handleOf(
    ctx,
    'benchmarkExecutionWorkflow',
    benchmarkExecutionWorkflowId(ctx.instanceId, record.benchmarkUid, record.uid),
  );
}
