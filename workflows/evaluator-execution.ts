import {
  ActivityFailure,
  ApplicationFailure,
  type ActivityOptions,
  CancellationScope,
  CancelledFailure,
  TimeoutFailure,
  continueAsNew,
  isCancellation,
  type LocalActivityOptions,
  log,
  patched,
  proxyActivities,
  proxyLocalActivities,
  proxySinks,
  setCurrentDetails,
  setHandler,
  sleep,
  workflowInfo,
} from '@temporalio/workflow';
import type { EvaluatorExecutionActivities } from '../src/shared/activity-contract';
import {
  DEFAULT_PAGE_SIZE,
  RECENT_RESULTS,
  ROW_MAX_ATTEMPTS,
  type EvaluatorExecutionInput,
  type EvaluatorExecutionOutcome,
  type ExecutionCounters,
  type ExecutionProgress,
  type ExecutionStatus,
  type JudgeDatapointResult,
  type RecentResult,
  type RowErrorRecord,
  type StoredExecutionStatus,
  type ExecutionPlan,
  type RowSinks,
} from '../src/shared/execution-contract';
import {
  DEFERRAL_FAILURES,
  RATE_LIMITED_FAILURE,
  ROW_CANCELLED_FAILURE,
  type DeferralDetails,
  type RowErrorKind,
} from '../src/shared/row-errors';
import { budgetProblem } from '../src/shared/budget';
import { emptySpend, RowAdmission, SpendGate } from './admission';
import {
  cancelSignal,
  pauseUpdate,
  progressQuery,
  resumeUpdate,
  setBudgetUpdate,
  setConcurrencyUpdate,
  statusQuery,
} from './definitions';

const { loadExecutionPlan, listDatapointPage, finishExecution, recordRowError, recordRowErrors } =
  proxyActivities<EvaluatorExecutionActivities>({
    startToCloseTimeout: '1 minute',
    heartbeatTimeout: '30 seconds',
    retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
  });

const { judgeDatapoint } = proxyActivities<EvaluatorExecutionActivities>({ startToCloseTimeout: '5 minutes' });
const local = proxyLocalActivities<EvaluatorExecutionActivities>({ startToCloseTimeout: '5 minutes' });
const sinks = proxySinks<RowSinks>();

/**
 * Rows are judged as local activities: the worker that runs the workflow calls the model itself and Temporal
 * records one marker per row when the workflow task completes, instead of scheduling each row through the server
 * (three events and a round trip). That is most of Temporal's CPU per row. A local activity is still the unit of
 * retry, with the same retry policy; if a worker dies before its markers are recorded, the rows run again and
 * find their stored results (judge-datapoint.ts), so nothing is paid twice. They run outside the rows'
 * cancellation scope: a stopping execution aborts them through the `rows` sink (RowSinks) instead. Executions
 * started before this change replay with server-side activities.
 */
export const LOCAL_ROWS_PATCH = 'rows-as-local-activities';

/**
 * Row errors are recorded once every row of the run has settled, not as each row fails. An activity scheduled
 * among the rows' local activities takes a sequence number from the same counter, at a place that depends on
 * how row results were grouped into workflow activations; replay groups them differently (results of adjacent
 * markers together), so a query or a worker restart after a row error failed with a nondeterminism error.
 * Executions started before this change replay recording each row error as it happens.
 */
export const ROW_ERRORS_AT_RUN_END_PATCH = 'row-errors-at-run-end';

/** Row errors per recordRowErrors activity, so one call's input stays small whatever the page size. */
const ROW_ERRORS_PER_CALL = 100;

/** The retry policy of a row that already spent `priorAttempts` on real failures. */
function rowRetry(priorAttempts: number) {
  return {
    initialInterval: '1 second',
    backoffCoefficient: 2,
    maximumInterval: '30 seconds',
    maximumAttempts: Math.max(1, ROW_MAX_ATTEMPTS - priorAttempts),
    nonRetryableErrorTypes: [...DEFERRAL_FAILURES],
  };
}

/**
 * Options of a row's local activity. Deferrals (rate limits, PostgreSQL unreachable) are not retried by Temporal:
 * they come back to the workflow, which waits and retries without spending attempts. The summary names the
 * datapoint in the Web UI's event history (on the row's marker).
 */
function localRowOptions(priorAttempts: number, xUid: string): LocalActivityOptions {
  return {
    startToCloseTimeout: '5 minutes',
    retry: rowRetry(priorAttempts),
    summary: `judge datapoint ${xUid}`,
  };
}

/** The server-side activity options of rows in executions that started before LOCAL_ROWS_PATCH (replay only). */
function rowActivityOptions(priorAttempts: number, xUid: string): ActivityOptions {
  return {
    startToCloseTimeout: '5 minutes',
    heartbeatTimeout: '5 seconds',
    retry: rowRetry(priorAttempts),
    summary: `judge datapoint ${xUid}`,
  };
}

/** Wait before retrying a deferred row when the provider did not say how long: 1 s, 2 s, 4 s … at most 30 s. */
const deferralBackoffMs = (deferrals: number) => Math.min(30_000, 1000 * 2 ** Math.min(deferrals - 1, 5));

/**
 * Why a row's activity failed: a server-side activity's failure wraps it in an ActivityFailure, a local
 * activity's arrives as it is (an ApplicationFailure, or a TimeoutFailure).
 */
function rowFailureCause(err: unknown): unknown {
  return err instanceof ActivityFailure ? err.cause : err;
}

/** The deferral a row attempt ended with (rate limit, PostgreSQL unreachable), if that is how it ended. */
function deferralOf(err: unknown): { type: string; details: DeferralDetails } | undefined {
  const cause = rowFailureCause(err);
  if (!(cause instanceof ApplicationFailure) || !(DEFERRAL_FAILURES as readonly string[]).includes(cause.type ?? ''))
    return undefined;
  const details = (cause.details?.[0] ?? { attempt: 1 }) as DeferralDetails;
  return { type: cause.type!, details };
}

/** A plan without a row estimate: rows have paid already (their mean serves), or it predates spend control. */
const NO_ESTIMATE = { tokens: 0, costUsd: null };

const emptyCounters = (): ExecutionCounters => ({
  done: 0,
  errors: 0,
  histogram: {},
  runs: 0,
  errorsByKind: {},
  rateLimited: 0,
  spend: emptySpend(),
});

/**
 * Judges every datapoint of one evaluator execution: pages through datapoint ids, keeps at most `concurrency`
 * `judgeDatapoint` activities in flight (fewer while the provider rate-limits: see RowAdmission), and continues-as-new after each page (or sooner when Temporal suggests
 * it) so history stays small whatever the row count. Results live in PostgreSQL; this workflow owns progress.
 * Ends by recording the final status in PostgreSQL: completed, failed (a fatal model error such as a bad API
 * key), or cancelled (the `cancel` signal or Temporal cancellation), keeping every result already written.
 */
export async function evaluatorExecutionWorkflow(input: EvaluatorExecutionInput): Promise<EvaluatorExecutionOutcome> {
  const { executionUid } = input;
  const pageSize = input.pageSize ?? DEFAULT_PAGE_SIZE;
  const counters = { ...emptyCounters(), ...input.counters };
  const errorsByKind = (counters.errorsByKind = { ...counters.errorsByKind });
  const spent = (counters.spend = { ...emptySpend(), ...counters.spend });
  const recent: RecentResult[] = [];
  // Widened on purpose: handlers and callbacks change these, which TypeScript's narrowing does not see.
  let status = 'running' as ExecutionStatus;
  let reason: string | undefined;
  let total = 0;
  let admission: RowAdmission | undefined;
  let maxConcurrency = 1;
  const rowsAsLocal = patched(LOCAL_ROWS_PATCH);
  const rowErrorsAtRunEnd = patched(ROW_ERRORS_AT_RUN_END_PATCH);
  // Row errors of this run not yet in PostgreSQL (see ROW_ERRORS_AT_RUN_END_PATCH); replay rebuilds them.
  const unrecordedRowErrors: RowErrorRecord[] = [];

  // Temporal's own cancel (Web UI, CLI) cancels this root scope; the `cancel` signal cancels only rowsScope.
  const root = CancellationScope.current();
  // Rows run in their own scope: cancelling it stops scheduling, ends deferral waits and (for executions started
  // with server-side row activities) cancels in-flight activities.
  const rowsScope = new CancellationScope();
  // Local row activities run here, where no cancellation reaches them (see LOCAL_ROWS_PATCH).
  const rowCalls = new CancellationScope({ cancellable: false });
  const stopped = () => status !== 'running';
  // What the Web UI shows as the workflow's current details, kept up to date as rows finish.
  const publishDetails = () => {
    const kinds = Object.entries(errorsByKind).map(([kind, n]) => `${n} ${kind}`);
    const limited = counters.rateLimited ? ` · ${counters.rateLimited} rate-limited calls` : '';
    const window = admission ? ` · window ${admission.effective}/${admission.max}` : '';
    const paused = status === 'running' ? admission?.paused : undefined;
    const cost = spent.costUsd > 0 ? ` · $${spent.costUsd.toFixed(4)}` : '';
    setCurrentDetails(
      `**${paused ? 'paused' : status}**${reason ? `: ${reason}` : ''}${paused ? `: ${paused.reason}` : ''} · ` +
        `${counters.done} / ${total} rows judged · ` +
        `${counters.errors} errors${kinds.length ? ` (${kinds.join(', ')})` : ''}${window}${limited} · ` +
        `${spent.tokens} tokens${cost}`,
    );
  };

  const stop = (why: 'cancelled' | 'failed', message: string) => {
    if (status !== 'running') return;
    status = why;
    reason = message;
    rowsScope.cancel();
    sinks.rows.stopExecution(executionUid);
    publishDetails();
  };

  setHandler(cancelSignal, (args) => {
    stop('cancelled', args?.reason ?? 'cancelled by user');
  });
  setHandler(statusQuery, () => status);
  const progress = (): ExecutionProgress => ({
    executionUid,
    status,
    total,
    done: counters.done,
    errors: counters.errors,
    errorsByKind: { ...errorsByKind },
    inFlight: admission?.admitted ?? 0,
    concurrency: { effective: admission?.effective ?? 0, max: admission?.max ?? 0 },
    rateLimited: counters.rateLimited ?? 0,
    histogram: { ...counters.histogram },
    run: counters.runs + 1,
    recent: [...recent],
    reason,
    paused: status === 'running' ? admission?.paused : undefined,
    spend: { ...spent },
    budget: { ...(admission?.spend.budget ?? input.control?.budget) },
  });
  setHandler(progressQuery, progress);

  // Live control. Validators refuse what cannot apply (the Update then fails with the reason and changes nothing).
  const requireRunning = (what: string) => {
    if (status !== 'running') throw new Error(`cannot ${what}: execution ${executionUid} has ended (${status})`);
    if (!admission) throw new Error(`cannot ${what} yet: execution ${executionUid} is still starting; try again`);
  };
  setHandler(
    pauseUpdate,
    () => {
      admission!.pausedByUser = true;
      publishDetails();
      return progress();
    },
    {
      validator: () => {
        requireRunning('pause');
      },
    },
  );
  setHandler(
    resumeUpdate,
    () => {
      admission!.pausedByUser = false;
      publishDetails();
      return progress();
    },
    {
      validator: () => {
        requireRunning('resume');
      },
    },
  );
  setHandler(
    setConcurrencyUpdate,
    (n) => {
      admission!.setMax(n);
      publishDetails();
      return progress();
    },
    {
      validator: (n) => {
        requireRunning('set the concurrency');
        if (!Number.isInteger(n) || n < 1 || n > maxConcurrency)
          throw new Error(`concurrency must be an integer from 1 to ${maxConcurrency}, got ${JSON.stringify(n)}`);
      },
    },
  );
  setHandler(
    setBudgetUpdate,
    (budget) => {
      admission!.spend.budget = {
        ...(budget.maxCostUsd !== undefined && { maxCostUsd: budget.maxCostUsd }),
        ...(budget.maxTokens !== undefined && { maxTokens: budget.maxTokens }),
      };
      publishDetails();
      return progress();
    },
    {
      validator: (budget) => {
        requireRunning('set the budget');
        // `{}` lifts the budget; 0 pauses the execution at once.
        const problem = budgetProblem(budget, { allowZero: true });
        if (problem) throw new Error(`invalid budget ${JSON.stringify(budget)}: ${problem}`);
      },
    },
  );

  const record = (result: JudgeDatapointResult) => {
    counters.done += 1;
    if (result.spend) admission?.spend.add(result.spend);
    if ('error' in result) {
      counters.errors += 1;
      errorsByKind[result.errorKind] = (errorsByKind[result.errorKind] ?? 0) + 1;
    } else counters.histogram[String(result.score)] = (counters.histogram[String(result.score)] ?? 0) + 1;
    recent.push(result);
    if (recent.length > RECENT_RESULTS) recent.shift();
    publishDetails();
  };

  /**
   * One row to its end, holding a place in the window while its model call runs. Deferrals give the place back,
   * wait and retry without spending attempts; failures end as a row error.
   */
  const judgeRow = async (rows: RowAdmission, xUid: string, position: number): Promise<void> => {
    let priorAttempts = 0;
    let rateLimitedForMs = 0;
    let deferrals = 0;
    let holding = true;
    try {
      for (;;) {
        const episode = rows.episode;
        try {
          const params = { executionUid, xUid, position, priorAttempts, rateLimitedForMs };
          record(
            await (rowsAsLocal
              ? rowCalls.run(() =>
                  local.judgeDatapoint.executeWithOptions(localRowOptions(priorAttempts, xUid), [params]),
                )
              : judgeDatapoint.executeWithOptions(rowActivityOptions(priorAttempts, xUid), [params])),
          );
          rows.onSuccess();
          return;
        } catch (err) {
          const deferral = deferralOf(err);
          if (!deferral) throw err;
          priorAttempts += deferral.details.attempt - 1;
          deferrals += 1;
          const waitMs = deferral.details.retryAfterMs ?? deferralBackoffMs(deferrals);
          const rateLimited = deferral.type === RATE_LIMITED_FAILURE;
          if (rateLimited) counters.rateLimited = (counters.rateLimited ?? 0) + 1;
          const decreased = rateLimited && rows.onRateLimited(episode);
          holding = false;
          rows.release();
          await sleep(waitMs);
          if (decreased) rows.endEpisode();
          if (rateLimited) rateLimitedForMs += waitMs;
          if (!(await rows.readmit(stopped))) return;
          holding = true;
        }
      }
    } catch (err) {
      if (isCancellation(err)) {
        if (root.consideredCancelled) stop('cancelled', 'cancelled through Temporal');
        return;
      }
      const cause = rowFailureCause(err);
      // Aborted because the execution stops (on replay this can come before the cancellation that caused it).
      if (cause instanceof ApplicationFailure && cause.type === ROW_CANCELLED_FAILURE) return;
      if (status !== 'running') return;
      if (cause instanceof ApplicationFailure && cause.nonRetryable) {
        // A fatal model error (bad key, unknown model): fail fast instead of N identical row errors.
        stop('failed', cause.message);
        return;
      }
      // Retries used up (e.g. activity timeouts): the row gets an error, the execution goes on.
      const message = cause instanceof Error ? cause.message : (err as Error).message;
      const errorKind: RowErrorKind = cause instanceof TimeoutFailure ? 'timeout' : 'provider';
      if (rowErrorsAtRunEnd) unrecordedRowErrors.push({ xUid, error: message, errorKind });
      else await recordRowError({ executionUid, xUid, error: message, errorKind });
      record({ xUid, error: message, errorKind });
    } finally {
      if (holding) rows.release();
    }
  };

  let nextAfter = input.afterPosition;
  let pageDone = false as boolean;
  // Every row started in this run; each settles (it never rejects), even after the execution stopped.
  const judged: Promise<void>[] = [];
  try {
    // Rendering and counting the first rows is needed only until a row has paid (then the mean of paid rows serves).
    const plan = await loadExecutionPlan({ executionUid, withRowEstimate: spent.paidRows === 0 });
    total = plan.total;
    // Plans recorded before spend control (histories replayed after an upgrade) lack the fields it added.
    const recorded: Partial<ExecutionPlan> = plan;
    maxConcurrency = recorded.maxConcurrency ?? plan.concurrency;
    const control = input.control ?? { budget: recorded.budget ?? {}, pausedByUser: false };
    const gate = new SpendGate(control.budget, spent, plan.rowEstimate ?? NO_ESTIMATE);
    const rows = (admission = new RowAdmission(control.concurrency ?? plan.concurrency, gate, input.admission));
    rows.pausedByUser = control.pausedByUser;
    publishDetails();
    await rowsScope.run(async () => {
      const page = await listDatapointPage({ executionUid, afterPosition: input.afterPosition ?? -1, limit: pageSize });
      let started = 0;
      for (; started < page.xUids.length; started++) {
        if (stopped() || (started > 0 && workflowInfo().continueAsNewSuggested)) break;
        // Waits for a place in the adaptive window; a signal or a fatal row may stop the execution meanwhile.
        if (!(await rows.admit(stopped))) break;
        judged.push(judgeRow(rows, page.xUids[started]!, page.positions[started]!));
        nextAfter = page.positions[started];
      }
      await Promise.all(judged);
      // The last page ends the execution here: no extra run just to find the next page empty.
      const lastPage = page.more === undefined ? page.xUids.length < pageSize : !page.more;
      pageDone = lastPage && started === page.xUids.length;
    });
  } catch (err) {
    // Temporal cancellation (Web UI / CLI) arrives here; anything else is a bug or an unreachable database.
    if (!isCancellation(err)) throw err;
    stop('cancelled', 'cancelled through Temporal');
  }
  // Rows still in flight when the execution stopped end soon (aborted); their results are kept.
  await Promise.all(judged);
  // Written even when this workflow itself is being cancelled: a row error is a result too.
  for (let i = 0; i < unrecordedRowErrors.length; i += ROW_ERRORS_PER_CALL) {
    const errors = unrecordedRowErrors.slice(i, i + ROW_ERRORS_PER_CALL);
    await CancellationScope.nonCancellable(() => recordRowErrors({ executionUid, errors }));
  }

  if (status === 'running' && !pageDone) {
    log.info('continuing as new', { executionUid, afterPosition: nextAfter, done: counters.done });
    await continueAsNew<typeof evaluatorExecutionWorkflow>({
      executionUid,
      afterPosition: nextAfter,
      counters: { ...counters, runs: counters.runs + 1 },
      pageSize: input.pageSize,
      admission: admission?.state,
      control: admission && {
        budget: admission.spend.budget,
        pausedByUser: admission.pausedByUser,
        concurrency: admission.max,
      },
    });
  }

  const final: StoredExecutionStatus = status === 'running' || status === 'unknown' ? 'completed' : status;
  // Recording the outcome must happen even when this workflow itself is being cancelled.
  await CancellationScope.nonCancellable(() => finishExecution({ executionUid, status: final, error: reason }));
  status = final;
  publishDetails();
  // Thrown so the Web UI shows the workflow as Canceled, not Completed.
  if (root.consideredCancelled) throw new CancelledFailure(reason ?? 'cancelled through Temporal');
  if (final === 'failed') throw ApplicationFailure.nonRetryable(reason ?? 'execution failed', 'ExecutionFailed');
  return { executionUid, status: final, done: counters.done, errors: counters.errors, reason };
}
