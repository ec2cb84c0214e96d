import {
  ApplicationFailure,
  CancellationScope,
  CancelledFailure,
  executeChild,
  isCancellation,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { BenchmarkExecutionActivities } from '../src/shared/activity-contract';
import type {
  BenchmarkChildProgress,
  BenchmarkExecutionInput,
  BenchmarkProgress,
} from '../src/shared/benchmark-contract';
import { EXECUTION_WORKFLOW_TASK_TIMEOUT, type StoredExecutionStatus } from '../src/shared/execution-contract';
import { evaluatorExecutionSearchAttributes } from '../src/shared/search-attributes';
import { evaluatorExecutionWorkflowId, instanceOfWorkflowId } from '../src/shared/workflow-ids';
import { benchmarkProgressQuery, cancelSignal } from './definitions';
import { evaluatorExecutionWorkflow } from './evaluator-execution';

const { planBenchmarkExecution, finishBenchmarkExecution } = proxyActivities<BenchmarkExecutionActivities>({
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
});

/**
 * Runs every evaluator of a benchmark over the chosen splits, as child evaluator executions (one per evaluator
 * and split, each visible on its own in the Web UI), then computes agreement with ground truth per evaluator and
 * slice and records the final status. Cancelling it (signal or Temporal cancel) cancels the children, which keep
 * the results they already wrote.
 */
export async function benchmarkExecutionWorkflow(input: BenchmarkExecutionInput): Promise<BenchmarkProgress> {
  const { benchmarkExecutionUid } = input;
  const state = { status: 'running' as StoredExecutionStatus, reason: undefined as string | undefined };
  let children: BenchmarkChildProgress[] = [];
  // Temporal's own cancel (Web UI, CLI) cancels this root scope; the `cancel` signal cancels only childScope.
  const root = CancellationScope.current();
  const childScope = new CancellationScope();
  // Children run in this workflow's judgeflow instance (none for a benchmark started before instance ids).
  const instanceId = instanceOfWorkflowId(workflowInfo().workflowId);

  const stop = (status: 'failed' | 'cancelled', reason: string) => {
    if (state.status !== 'running') return;
    state.status = status;
    state.reason = reason;
    childScope.cancel();
  };
  setHandler(cancelSignal, (args) => {
    stop('cancelled', args?.reason ?? 'cancelled by user');
  });
  setHandler(benchmarkProgressQuery, () => ({
    benchmarkExecutionUid,
    ...state,
    children: children.map((c) => ({ ...c })),
  }));

  try {
    const plan = await planBenchmarkExecution({ benchmarkExecutionUid });
    children = plan.map((c) => ({ ...c, status: 'pending' }));
    await childScope.run(() =>
      Promise.all(
        children.map(async (child) => {
          child.status = 'running';
          try {
            const outcome = await executeChild(evaluatorExecutionWorkflow, {
              workflowId: evaluatorExecutionWorkflowId(instanceId, child.evaluatorUid, child.executionUid),
              args: [{ executionUid: child.executionUid, pageSize: input.pageSize }],
              workflowTaskTimeout: EXECUTION_WORKFLOW_TASK_TIMEOUT,
              typedSearchAttributes: evaluatorExecutionSearchAttributes(child),
              staticSummary: `Evaluator ${child.evaluatorUid} on ${child.totalRows} rows of split "${child.split}" (benchmark execution ${benchmarkExecutionUid})`,
            });
            child.status = outcome.status;
            child.reason = outcome.reason;
          } catch (err) {
            if (isCancellation(err)) {
              child.status = 'cancelled';
              return;
            }
            child.status = 'failed';
            child.reason =
              (err as Error).cause instanceof Error ? ((err as Error).cause as Error).message : (err as Error).message;
            // One evaluator failing for good (e.g. a bad API key) does not stop the others: their results count.
          }
        }),
      ),
    );
  } catch (err) {
    if (!isCancellation(err)) throw err;
  }
  // Children swallow their own cancellation, so Temporal's cancel is seen here, not as an exception.
  if (root.consideredCancelled) stop('cancelled', 'cancelled through Temporal');

  if (state.status === 'running') {
    const failed = children.filter((c) => c.status === 'failed');
    if (failed.length) {
      state.status = 'failed';
      state.reason = failed
        .map((c) => `evaluator ${c.evaluatorUid} on "${c.split}": ${c.reason ?? 'failed'}`)
        .join('; ');
    } else if (children.some((c) => c.status === 'cancelled')) {
      state.status = 'cancelled';
      state.reason = 'an evaluator execution was cancelled';
    } else {
      state.status = 'completed';
    }
  }
  await CancellationScope.nonCancellable(() =>
    finishBenchmarkExecution({ benchmarkExecutionUid, status: state.status, error: state.reason }),
  );
  // Thrown so the Web UI shows the workflow as Canceled, not Completed.
  if (root.consideredCancelled) throw new CancelledFailure(state.reason ?? 'cancelled through Temporal');
  if (state.status === 'failed')
    throw ApplicationFailure.nonRetryable(state.reason ?? 'benchmark execution failed', 'BenchmarkExecutionFailed');
  return { benchmarkExecutionUid, ...state, children };
}
