/**
 * An evaluator execution, as the story it is: load the plan, judge a page of rows through the admission path,
 * record the run's row errors, then continue as new with the next page or record the end. The parts live in
 * their own modules: the run's state and progress (execution-run.ts), its signal, queries and Updates
 * (execution-handlers.ts), one row from admission to its end (row-judging.ts), the admission path (admission.ts).
 */
import {
  ApplicationFailure,
  CancellationScope,
  CancelledFailure,
  continueAsNew,
  isCancellation,
  log,
  patched,
  proxyActivities,
  workflowInfo,
} from '@temporalio/workflow';
import type { EvaluatorExecutionActivities } from '../src/shared/activity-contract';
import {
  DEFAULT_PAGE_SIZE,
  type EvaluatorExecutionInput,
  type EvaluatorExecutionOutcome,
  type ExecutionPlan,
  type StoredExecutionStatus,
} from '../src/shared/execution-contract';
import { BOOKKEEPING_OPTIONS } from './activity-options';
import { RowAdmission, SpendGate } from './admission';
import { registerExecutionHandlers } from './execution-handlers';
import { ExecutionRun } from './execution-run';
import { judgeRow, type RowMode } from './row-judging';

const { loadExecutionPlan, listDatapointPage, finishExecution, recordRowErrors } =
  proxyActivities<EvaluatorExecutionActivities>(BOOKKEEPING_OPTIONS);

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

/** A plan without a row estimate: rows have paid already (their mean serves), or it predates spend control. */
const NO_ESTIMATE = { tokens: 0, costUsd: null };

/**
 * Judges every datapoint of one evaluator execution: pages through datapoint ids, keeps at most `concurrency`
 * `judgeDatapoint` activities in flight (fewer while the provider rate-limits: see RowAdmission), and
 * continues-as-new after each page (or sooner when Temporal suggests it) so history stays small whatever the row
 * count. Results live in PostgreSQL; this workflow owns progress. Ends by recording the final status in
 * PostgreSQL: completed, failed (a fatal model error such as a bad API key), or cancelled (the `cancel` signal or
 * Temporal cancellation), keeping every result already written.
 */
export async function evaluatorExecutionWorkflow(input: EvaluatorExecutionInput): Promise<EvaluatorExecutionOutcome> {
  const mode: RowMode = { local: patched(LOCAL_ROWS_PATCH), errorsAtRunEnd: patched(ROW_ERRORS_AT_RUN_END_PATCH) };
  const run = new ExecutionRun(input);
  registerExecutionHandlers(run);

  // Every row started in this run; each settles (it never rejects), even after the execution stopped.
  const judged: Promise<void>[] = [];
  let page: PageOutcome = { nextAfter: input.afterPosition, lastPage: false };
  try {
    const rows = await admitFromPlan(run);
    page = await run.rowsScope.run(() => judgePage(run, rows, mode, judged));
  } catch (err) {
    // Temporal cancellation (Web UI / CLI) arrives here; anything else is a bug or an unreachable database.
    if (!isCancellation(err)) throw err;
    run.stop('cancelled', 'cancelled through Temporal');
  }
  // Rows still in flight when the execution stopped end soon (aborted); their results are kept.
  await Promise.all(judged);
  await recordRunRowErrors(run);

  if (run.status === 'running' && !page.lastPage) await continueWithNextPage(run, page.nextAfter);
  return finish(run);
}

/** Loads the plan (size, concurrency, budget) and builds the run's admission path from it. */
async function admitFromPlan(run: ExecutionRun): Promise<RowAdmission> {
  const { executionUid, input, spent } = run;
  // Rendering and counting the first rows is needed only until a row has paid (then the mean of paid rows serves).
  const plan = await loadExecutionPlan({ executionUid, withRowEstimate: spent.paidRows === 0 });
  run.total = plan.total;
  // Plans recorded before spend control (histories replayed after an upgrade) lack the fields it added.
  const recorded: Partial<ExecutionPlan> = plan;
  run.maxConcurrency = recorded.maxConcurrency ?? plan.concurrency;
  const control = input.control ?? { budget: recorded.budget ?? {}, pausedByUser: false };
  const gate = new SpendGate(control.budget, spent, plan.rowEstimate ?? NO_ESTIMATE);
  const rows = (run.admission = new RowAdmission(control.concurrency ?? plan.concurrency, gate, input.admission));
  rows.pausedByUser = control.pausedByUser;
  run.publishDetails();
  return rows;
}

interface PageOutcome {
  /** The position of the last row started: the next run starts after it. */
  nextAfter: number | undefined;
  /** Every row of the execution's last page has started: nothing is left for another run. */
  lastPage: boolean;
}

/** Starts the page's rows as the admission path lets them in, until the page ends or the execution stops. */
async function judgePage(
  run: ExecutionRun,
  rows: RowAdmission,
  mode: RowMode,
  judged: Promise<void>[],
): Promise<PageOutcome> {
  const { executionUid, input } = run;
  const pageSize = input.pageSize ?? DEFAULT_PAGE_SIZE;
  const page = await listDatapointPage({ executionUid, afterPosition: input.afterPosition ?? -1, limit: pageSize });
  let nextAfter = input.afterPosition;
  let started = 0;
  for (; started < page.xUids.length; started++) {
    if (run.stopped || (started > 0 && workflowInfo().continueAsNewSuggested)) break;
    // Waits for a place in the adaptive window; a signal or a fatal row may stop the execution meanwhile.
    if (!(await rows.admit(() => run.stopped))) break;
    judged.push(judgeRow(run, rows, mode, page.xUids[started]!, page.positions[started]!));
    nextAfter = page.positions[started];
  }
  await Promise.all(judged);
  // The last page ends the execution here: no extra run just to find the next page empty.
  const lastPage = page.more === undefined ? page.xUids.length < pageSize : !page.more;
  return { nextAfter, lastPage: lastPage && started === page.xUids.length };
}

/** Writes the run's row errors, in batches; even when this workflow itself is being cancelled: they are results too. */
async function recordRunRowErrors(run: ExecutionRun): Promise<void> {
  const { executionUid, unrecordedRowErrors } = run;
  for (let i = 0; i < unrecordedRowErrors.length; i += ROW_ERRORS_PER_CALL) {
    const errors = unrecordedRowErrors.slice(i, i + ROW_ERRORS_PER_CALL);
    await CancellationScope.nonCancellable(() => recordRowErrors({ executionUid, errors }));
  }
}

/** The next run of the chain, carrying the cursor, the counters and live control. */
async function continueWithNextPage(run: ExecutionRun, afterPosition: number | undefined): Promise<never> {
  const { executionUid, counters, admission, input } = run;
  log.info('continuing as new', { executionUid, afterPosition, done: counters.done });
  return continueAsNew<typeof evaluatorExecutionWorkflow>({
    executionUid,
    afterPosition,
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

/** Records the final status in PostgreSQL and ends the workflow the way the Web UI should show it. */
async function finish(run: ExecutionRun): Promise<EvaluatorExecutionOutcome> {
  const { executionUid, status, reason, counters } = run;
  const final: StoredExecutionStatus = status === 'running' || status === 'unknown' ? 'completed' : status;
  // Recording the outcome must happen even when this workflow itself is being cancelled.
  await CancellationScope.nonCancellable(() => finishExecution({ executionUid, status: final, error: reason }));
  run.status = final;
  run.publishDetails();
  // Thrown so the Web UI shows the workflow as Canceled, not Completed.
  if (run.root.consideredCancelled) throw new CancelledFailure(reason ?? 'cancelled through Temporal');
  if (final === 'failed') throw ApplicationFailure.nonRetryable(reason ?? 'execution failed', 'ExecutionFailed');
  return { executionUid, status: final, done: counters.done, errors: counters.errors, reason };
}
