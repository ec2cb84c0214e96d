/**
 * The state of one run of an evaluator execution (one workflow run of its continue-as-new chain): status and why,
 * counters carried from earlier runs, recent results, and the admission path once the plan is loaded. It answers
 * the `progress` query, keeps the Web UI's current details up to date, and stops the execution. Deterministic.
 */
import { CancellationScope, proxySinks, setCurrentDetails } from '@temporalio/workflow';
import {
  RECENT_RESULTS,
  type EvaluatorExecutionInput,
  type ExecutionCounters,
  type ExecutionProgress,
  type ExecutionSpend,
  type ExecutionStatus,
  type JudgeDatapointResult,
  type RecentResult,
  type RowErrorRecord,
  type RowSinks,
} from '../src/shared/execution-contract';
import type { RowErrorKind } from '../src/shared/row-errors';
import { emptySpend, type RowAdmission } from './admission';

const sinks = proxySinks<RowSinks>();

const emptyCounters = (): ExecutionCounters => ({
  done: 0,
  errors: 0,
  histogram: {},
  runs: 0,
  errorsByKind: {},
  rateLimited: 0,
  spend: emptySpend(),
});

export class ExecutionRun {
  readonly executionUid: number;
  readonly counters: ExecutionCounters;
  readonly errorsByKind: Partial<Record<RowErrorKind, number>>;
  readonly spent: ExecutionSpend;
  readonly recent: RecentResult[] = [];
  status: ExecutionStatus = 'running';
  reason: string | undefined;
  /** Rows of the whole execution (from the plan). */
  total = 0;
  /** The admission path, once the plan is loaded. */
  admission: RowAdmission | undefined;
  /** What setConcurrency accepts at most (from the plan). */
  maxConcurrency = 1;
  /** Row errors of this run not yet in PostgreSQL (see ROW_ERRORS_AT_RUN_END_PATCH); replay rebuilds them. */
  readonly unrecordedRowErrors: RowErrorRecord[] = [];
  /** Temporal's own cancel (Web UI, CLI) cancels this root scope; the `cancel` signal cancels only `rowsScope`. */
  readonly root = CancellationScope.current();
  /**
   * Rows run in their own scope: cancelling it stops scheduling, ends deferral waits and (for executions started
   * with server-side row activities) cancels in-flight activities.
   */
  readonly rowsScope = new CancellationScope();
  /** Local row activities run here, where no cancellation reaches them (see LOCAL_ROWS_PATCH). */
  readonly rowCalls = new CancellationScope({ cancellable: false });

  constructor(readonly input: EvaluatorExecutionInput) {
    this.executionUid = input.executionUid;
    this.counters = { ...emptyCounters(), ...input.counters };
    this.errorsByKind = this.counters.errorsByKind = { ...this.counters.errorsByKind };
    this.spent = this.counters.spend = { ...emptySpend(), ...this.counters.spend };
  }

  get stopped(): boolean {
    return this.status !== 'running';
  }

  /** Stops scheduling rows and aborts the rows in flight (through the worker's `rows` sink); the first reason wins. */
  stop(why: 'cancelled' | 'failed', message: string): void {
    if (this.status !== 'running') return;
    this.status = why;
    this.reason = message;
    this.rowsScope.cancel();
    sinks.rows.stopExecution(this.executionUid);
    this.publishDetails();
  }

  /** Counts a row's result (score or row error) for progress, the histogram and the budget. */
  record(result: JudgeDatapointResult): void {
    const { counters, errorsByKind } = this;
    counters.done += 1;
    if (result.spend) this.admission?.spend.add(result.spend);
    if ('error' in result) {
      counters.errors += 1;
      errorsByKind[result.errorKind] = (errorsByKind[result.errorKind] ?? 0) + 1;
    } else counters.histogram[String(result.score)] = (counters.histogram[String(result.score)] ?? 0) + 1;
    this.recent.push(result);
    if (this.recent.length > RECENT_RESULTS) this.recent.shift();
    this.publishDetails();
  }

  /** The `progress` query's answer. */
  progress(): ExecutionProgress {
    const { counters, admission } = this;
    return {
      executionUid: this.executionUid,
      status: this.status,
      total: this.total,
      done: counters.done,
      errors: counters.errors,
      errorsByKind: { ...this.errorsByKind },
      inFlight: admission?.admitted ?? 0,
      concurrency: { effective: admission?.effective ?? 0, max: admission?.max ?? 0 },
      rateLimited: counters.rateLimited ?? 0,
      histogram: { ...counters.histogram },
      run: counters.runs + 1,
      recent: [...this.recent],
      reason: this.reason,
      paused: this.status === 'running' ? admission?.paused : undefined,
      spend: { ...this.spent, costUsd: this.spent.costUnknownRows > 0 ? null : this.spent.costUsd },
      budget: { ...(admission?.spend.budget ?? this.input.control?.budget) },
    };
  }

  /** What the Web UI shows as the workflow's current details, kept up to date as rows finish. */
  publishDetails(): void {
    const { counters, admission, spent, status, reason } = this;
    const kinds = Object.entries(this.errorsByKind).map(([kind, n]) => `${n} ${kind}`);
    const limited = counters.rateLimited ? ` · ${counters.rateLimited} rate-limited calls` : '';
    const window = admission ? ` · window ${admission.effective}/${admission.max}` : '';
    const paused = status === 'running' ? admission?.paused : undefined;
    const cost = spent.costUsd > 0 ? ` · $${spent.costUsd.toFixed(4)}` : '';
    setCurrentDetails(
      `**${paused ? 'paused' : status}**${reason ? `: ${reason}` : ''}${paused ? `: ${paused.reason}` : ''} · ` +
        `${counters.done} / ${this.total} rows judged · ` +
        `${counters.errors} errors${kinds.length ? ` (${kinds.join(', ')})` : ''}${window}${limited} · ` +
        `${spent.tokens} tokens${cost}`,
    );
  }
}
