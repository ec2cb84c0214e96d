/**
 * Benchmark executions, each client-side use case once: start (validate, record, run its workflow), list, status,
 * progress, wait, cancel. Planning its evaluator executions and recording its end are worker-side steps
 * (worker/benchmark-plan.ts, common/benchmark-end.ts).
 */
import {
  countBenchmarkFinishedRows,
  failUnstartedBenchmarkExecution,
  findBenchmarkExecution,
  listBenchmarkExecutions as listBenchmarkExecutionRecords,
  type BenchmarkExecutionRecord,
} from '../../db/benchmark-execution.repository';
import type { BenchmarkProgress } from '../../shared/benchmark-contract';
import type { ExecutionStatus } from '../../shared/execution-contract';
import { benchmarkExecutionSearchAttributes } from '../../shared/search-attributes';
import { benchmarkExecutionWorkflowId, workflowUrl } from '../../shared/workflow-ids';
import { benchmarkExecutionSummary } from '../../shared/workflow-summaries';
import { startWorkflow, workflowHandle as handleOf } from '../../temporal/start-workflow';
import {
  recordBenchmarkExecution,
  requireBenchmarkExecution,
  type BenchmarkExecuteOptions,
} from '../common/benchmark-execution-records';
import type { InstanceContext, StorageContext } from '../common/context';
import type { ServiceContext } from './context';
import { reconcileStatus, signalCancel, type ReconciledStatus } from './execution-status';

export type { BenchmarkExecutionRecord } from '../../db/benchmark-execution.repository';
export { requireBenchmarkExecution, type BenchmarkExecuteOptions } from '../common/benchmark-execution-records';

/** Validates (splits, options, every evaluator's model), records the benchmark execution and starts its workflow. */
export async function startBenchmarkExecution(
  ctx: ServiceContext,
  benchmarkUid: number,
  options: BenchmarkExecuteOptions = {},
): Promise<BenchmarkExecutionRecord> {
  const { uid, evaluators, splits } = await recordBenchmarkExecution(ctx, benchmarkUid, options);
  const handle = await startWorkflow(
    ctx,
    'benchmarkExecutionWorkflow',
    {
      workflowId: benchmarkExecutionWorkflowId(ctx.instanceId, benchmarkUid, uid),
      args: [{ benchmarkExecutionUid: uid, pageSize: options.pageSize }],
      searchAttributes: benchmarkExecutionSearchAttributes(benchmarkUid),
      summary: benchmarkExecutionSummary({
        benchmarkUid,
        benchmarkExecutionUid: uid,
        evaluatorUids: options.evaluatorUids && evaluators.map((e) => e.evaluatorUid),
        splits,
        numRows: options.numRows,
      }),
    },
    (reason) => failUnstartedBenchmarkExecution(ctx.db, uid, reason),
  );
  if (options.sync) await handle.result().catch(() => undefined);
  return requireBenchmarkExecution(ctx, uid);
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
