/**
 * One row of an evaluator execution, from admission to its end: it holds a place in the window while its model
 * call runs; deferrals (rate limits, PostgreSQL unreachable) give the place back, wait and retry without spending
 * attempts; failures end as a row error, and a fatal model error stops the execution. Deterministic.
 */
import {
  ActivityFailure,
  ApplicationFailure,
  type ActivityOptions,
  TimeoutFailure,
  isCancellation,
  type LocalActivityOptions,
  proxyActivities,
  proxyLocalActivities,
  sleep,
} from '@temporalio/workflow';
import type { EvaluatorExecutionActivities } from '../src/shared/activity-contract';
import { ROW_MAX_ATTEMPTS } from '../src/shared/execution-contract';
import {
  DEFERRAL_FAILURES,
  RATE_LIMITED_FAILURE,
  ROW_CANCELLED_FAILURE,
  type DeferralDetails,
  type RowErrorKind,
} from '../src/shared/row-errors';
import { BOOKKEEPING_OPTIONS } from './activity-options';
import type { RowAdmission } from './admission';
import type { ExecutionRun } from './execution-run';

const { judgeDatapoint } = proxyActivities<EvaluatorExecutionActivities>({ startToCloseTimeout: '5 minutes' });
const { recordRowError } = proxyActivities<EvaluatorExecutionActivities>(BOOKKEEPING_OPTIONS);
const local = proxyLocalActivities<EvaluatorExecutionActivities>({ startToCloseTimeout: '5 minutes' });

/** How rows run and how their errors are recorded: decided once per run by the execution's patches. */
export interface RowMode {
  /** Rows as local activities (LOCAL_ROWS_PATCH); else server-side activities (older executions, on replay). */
  local: boolean;
  /** Row errors kept for the end of the run (ROW_ERRORS_AT_RUN_END_PATCH); else recorded as each row fails. */
  errorsAtRunEnd: boolean;
}

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

/** Judges one row to its end; it never rejects (every row settles, even after the execution stopped). */
export async function judgeRow(
  run: ExecutionRun,
  rows: RowAdmission,
  mode: RowMode,
  xUid: string,
  position: number,
): Promise<void> {
  const { executionUid } = run;
  let priorAttempts = 0;
  let rateLimitedForMs = 0;
  let deferrals = 0;
  let holding = true;
  try {
    for (;;) {
      const episode = rows.episode;
      try {
        const params = { executionUid, xUid, position, priorAttempts, rateLimitedForMs };
        run.record(
          await (mode.local
            ? run.rowCalls.run(() =>
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
        if (rateLimited) run.counters.rateLimited = (run.counters.rateLimited ?? 0) + 1;
        const decreased = rateLimited && rows.onRateLimited(episode);
        holding = false;
        rows.release();
        await sleep(waitMs);
        if (decreased) rows.endEpisode();
        if (rateLimited) rateLimitedForMs += waitMs;
        if (!(await rows.readmit(() => run.stopped))) return;
        holding = true;
      }
    }
  } catch (err) {
    await settleFailedRow(run, mode, xUid, err);
  } finally {
    if (holding) rows.release();
  }
}

/** A row whose attempts ended in a failure: a cancellation, a fatal model error, or a row error to record. */
async function settleFailedRow(run: ExecutionRun, mode: RowMode, xUid: string, err: unknown): Promise<void> {
  if (isCancellation(err)) {
    if (run.root.consideredCancelled) run.stop('cancelled', 'cancelled through Temporal');
    return;
  }
  const cause = rowFailureCause(err);
  // Aborted because the execution stops (on replay this can come before the cancellation that caused it).
  if (cause instanceof ApplicationFailure && cause.type === ROW_CANCELLED_FAILURE) return;
  if (run.stopped) return;
  if (cause instanceof ApplicationFailure && cause.nonRetryable) {
    // A fatal model error (bad key, unknown model): fail fast instead of N identical row errors.
    run.stop('failed', cause.message);
    return;
  }
  // Retries used up (e.g. activity timeouts): the row gets an error, the execution goes on.
  const message = cause instanceof Error ? cause.message : (err as Error).message;
  const errorKind: RowErrorKind = cause instanceof TimeoutFailure ? 'timeout' : 'provider';
  if (mode.errorsAtRunEnd) run.unrecordedRowErrors.push({ xUid, error: message, errorKind });
  else await recordRowError({ executionUid: run.executionUid, xUid, error: message, errorKind });
  run.record({ xUid, error: message, errorKind });
}
