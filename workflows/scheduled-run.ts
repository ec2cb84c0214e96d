/**
 * One run of a benchmark schedule (started by its Temporal Schedule, `judgeflow schedule create`): records the run
 * and its benchmark execution, runs the execution as a child workflow, then gates it against the schedule's
 * thresholds and baseline and records the outcome. The schedule's overlap policy (skip) keeps runs from overlapping.
 */
import {
  ApplicationFailure,
  CancellationScope,
  CancelledFailure,
  executeChild,
  isCancellation,
  proxyActivities,
  workflowInfo,
} from '@temporalio/workflow';
import type { ScheduledRunActivities } from '../src/shared/activity-contract';
import type { ScheduledRunInput, ScheduledRunOutcome, ScheduledRunStart } from '../src/shared/schedule-contract';
import { benchmarkExecutionSearchAttributes } from '../src/shared/search-attributes';
import { benchmarkExecutionWorkflowId } from '../src/shared/workflow-ids';
import { benchmarkExecutionSummary } from '../src/shared/workflow-summaries';
import { benchmarkExecutionWorkflow } from './benchmark-execution';

const { recordScheduledRun, startScheduledRunExecution, finishScheduledRun } = proxyActivities<ScheduledRunActivities>({
  startToCloseTimeout: '10 minutes',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
});

export async function scheduledRunWorkflow(input: ScheduledRunInput): Promise<ScheduledRunOutcome> {
  const { runUid } = await recordScheduledRun({
    scheduleUid: input.scheduleUid,
    workflowId: workflowInfo().workflowId,
  });
  let start: ScheduledRunStart;
  try {
    start = await startScheduledRunExecution({ runUid });
  } catch (err) {
    // E.g. the benchmark lost its evaluators, or a model is no longer allowed: recorded as a failed run.
    const error = failureMessage(err);
    await CancellationScope.nonCancellable(() => finishScheduledRun({ runUid, error }));
    throw ApplicationFailure.nonRetryable(`the scheduled run could not start: ${error}`, 'ScheduledRunFailed');
  }
  let cancelled = false;
  try {
    await executeChild(benchmarkExecutionWorkflow, {
      workflowId: benchmarkExecutionWorkflowId(input.instanceId, start.benchmarkUid, start.benchmarkExecutionUid),
      args: [{ benchmarkExecutionUid: start.benchmarkExecutionUid }],
      typedSearchAttributes: benchmarkExecutionSearchAttributes(start.benchmarkUid),
      staticSummary: benchmarkExecutionSummary(start),
    });
  } catch (err) {
    // A failed execution recorded its own status, which the gate step reads; a cancelled run ends cancelled.
    cancelled = isCancellation(err);
  }
  const outcome = await CancellationScope.nonCancellable(() => finishScheduledRun({ runUid }));
  if (cancelled) throw new CancelledFailure('the scheduled run was cancelled');
  // Shown as Failed in the Web UI, with the reason; the outcome is in PostgreSQL either way.
  if (outcome.passed === false)
    throw ApplicationFailure.nonRetryable(`the gate failed: ${outcome.note ?? 'see the gate result'}`, 'GateFailed');
  return outcome;
}

function failureMessage(err: unknown): string {
  const cause = (err as Error).cause;
  return cause instanceof Error ? cause.message : (err as Error).message;
}
