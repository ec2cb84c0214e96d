import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  CancelledFailure,
  continueAsNew,
  defineQuery,
  defineSignal,
  isCancellation,
  log,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { createActivities } from '../activities';
import {
  CANCEL_SIGNAL,
  DEFAULT_PAGE_SIZE,
  PROGRESS_QUERY,
  RECENT_RESULTS,
  ROW_MAX_ATTEMPTS,
  STATUS_QUERY,
  type EvaluatorExecutionInput,
  type EvaluatorExecutionOutcome,
  type ExecutionCounters,
  type ExecutionProgress,
  type ExecutionStatus,
  type JudgeDatapointResult,
  type RecentResult,
  type StoredExecutionStatus,
} from '../src/shared/execution-contract';

type Activities = ReturnType<typeof createActivities>;

const { loadExecutionPlan, listDatapointPage, finishExecution, recordRowError } = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  heartbeatTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
});

// Row activities heartbeat while the model call runs, so cancellation reaches them within seconds.
const { judgeDatapoint } = proxyActivities<Activities>({
  startToCloseTimeout: '5 minutes',
  heartbeatTimeout: '5 seconds',
  retry: {
    initialInterval: '1 second',
    backoffCoefficient: 2,
    maximumInterval: '30 seconds',
    maximumAttempts: ROW_MAX_ATTEMPTS,
  },
});

export const cancelSignal = defineSignal<[{ reason?: string }?]>(CANCEL_SIGNAL);
export const statusQuery = defineQuery<ExecutionStatus>(STATUS_QUERY);
export const progressQuery = defineQuery<ExecutionProgress>(PROGRESS_QUERY);

const emptyCounters = (): ExecutionCounters => ({ done: 0, errors: 0, histogram: {}, runs: 0 });

/**
 * Judges every datapoint of one evaluator execution: pages through datapoint ids, keeps at most `concurrency`
 * `judgeDatapoint` activities in flight, and continues-as-new after each page (or sooner when Temporal suggests
 * it) so history stays small whatever the row count. Results live in PostgreSQL; this workflow owns progress.
 * Ends by recording the final status in PostgreSQL: completed, failed (a fatal model error such as a bad API
 * key), or cancelled (the `cancel` signal or Temporal cancellation), keeping every result already written.
 */
export async function evaluatorExecutionWorkflow(input: EvaluatorExecutionInput): Promise<EvaluatorExecutionOutcome> {
  const { executionUid } = input;
  const pageSize = input.pageSize ?? DEFAULT_PAGE_SIZE;
  const counters = input.counters ?? emptyCounters();
  const recent: RecentResult[] = [];
  // Widened on purpose: handlers and callbacks change these, which TypeScript's narrowing does not see.
  let status = 'running' as ExecutionStatus;
  let reason: string | undefined;
  let total = 0;
  let inFlight = 0;

  // Temporal's own cancel (Web UI, CLI) cancels this root scope; the `cancel` signal cancels only rowsScope.
  const root = CancellationScope.current();
  // Rows run in their own scope: cancelling it stops scheduling and cancels in-flight activities.
  const rowsScope = new CancellationScope();
  const stopped = () => status !== 'running';
  const stop = (why: 'cancelled' | 'failed', message: string) => {
    if (status !== 'running') return;
    status = why;
    reason = message;
    rowsScope.cancel();
  };

  setHandler(cancelSignal, (args) => {
    stop('cancelled', args?.reason ?? 'cancelled by user');
  });
  setHandler(statusQuery, () => status);
  setHandler(progressQuery, () => ({
    executionUid,
    status,
    total,
    done: counters.done,
    errors: counters.errors,
    inFlight,
    histogram: { ...counters.histogram },
    run: counters.runs + 1,
    recent: [...recent],
    reason,
  }));

  const record = (result: JudgeDatapointResult) => {
    counters.done += 1;
    if ('error' in result) counters.errors += 1;
    else counters.histogram[String(result.score)] = (counters.histogram[String(result.score)] ?? 0) + 1;
    recent.push(result);
    if (recent.length > RECENT_RESULTS) recent.shift();
  };

  const judgeRow = async (xUid: string, position: number): Promise<void> => {
    try {
      record(await judgeDatapoint({ executionUid, xUid, position }));
    } catch (err) {
      if (isCancellation(err)) {
        if (root.consideredCancelled) stop('cancelled', 'cancelled through Temporal');
        return;
      }
      if (status !== 'running') return;
      const cause = err instanceof ActivityFailure ? err.cause : undefined;
      if (cause instanceof ApplicationFailure && cause.nonRetryable) {
        // A fatal model error (bad key, unknown model): fail fast instead of N identical row errors.
        stop('failed', cause.message);
        return;
      }
      // Retries used up (e.g. timeouts): the row gets an error, the execution goes on.
      const message = cause?.message ?? (err as Error).message;
      await recordRowError({ executionUid, xUid, error: message });
      record({ xUid, error: message });
    }
  };

  let nextAfter = input.afterPosition;
  let pageDone = false as boolean;
  try {
    const plan = await loadExecutionPlan({ executionUid });
    total = plan.total;
    await rowsScope.run(async () => {
      const page = await listDatapointPage({ executionUid, afterPosition: input.afterPosition ?? -1, limit: pageSize });
      const running = new Set<Promise<void>>();
      let started = 0;
      for (; started < page.xUids.length; started++) {
        if (status !== 'running' || (started > 0 && workflowInfo().continueAsNewSuggested)) break;
        while (running.size >= plan.concurrency) await Promise.race(running);
        // A signal or a fatal row may have stopped the execution while this loop waited.
        if (stopped()) break;
        const p = judgeRow(page.xUids[started]!, page.positions[started]!).finally(() => {
          running.delete(p);
          inFlight = running.size;
        });
        running.add(p);
        inFlight = running.size;
        nextAfter = page.positions[started];
      }
      await Promise.all(running);
      pageDone = page.xUids.length < pageSize && started === page.xUids.length;
    });
  } catch (err) {
    // Temporal cancellation (Web UI / CLI) arrives here; anything else is a bug or an unreachable database.
    if (!isCancellation(err)) throw err;
    stop('cancelled', 'cancelled through Temporal');
  }

  if (status === 'running' && !pageDone) {
    log.info('continuing as new', { executionUid, afterPosition: nextAfter, done: counters.done });
    await continueAsNew<typeof evaluatorExecutionWorkflow>({
      executionUid,
      afterPosition: nextAfter,
      counters: { ...counters, runs: counters.runs + 1 },
      pageSize: input.pageSize,
    });
  }

  const final: StoredExecutionStatus = status === 'running' || status === 'unknown' ? 'completed' : status;
  // Recording the outcome must happen even when this workflow itself is being cancelled.
  await CancellationScope.nonCancellable(() => finishExecution({ executionUid, status: final, error: reason }));
  status = final;
  // Thrown so the Web UI shows the workflow as Canceled, not Completed.
  if (root.consideredCancelled) throw new CancelledFailure(reason ?? 'cancelled through Temporal');
  if (final === 'failed') throw ApplicationFailure.nonRetryable(reason ?? 'execution failed', 'ExecutionFailed');
  return { executionUid, status: final, done: counters.done, errors: counters.errors, reason };
}
