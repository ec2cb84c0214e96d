/** What a benchmark schedule's workflow, its activities and its clients share (side-effect free: workflows import it). */

/** The arguments the Temporal Schedule starts `scheduledRunWorkflow` with: no options, only which schedule. */
export interface ScheduledRunInput {
  scheduleUid: number;
  /** The judgeflow instance of the schedule's database: the benchmark execution's workflow id names it. */
  instanceId: string;
}

/** The benchmark execution a scheduled run recorded, for the workflow to run as its child. */
export interface ScheduledRunStart {
  benchmarkUid: number;
  benchmarkExecutionUid: number;
  /** Only when the schedule runs a subset of the benchmark's evaluators. */
  evaluatorUids?: number[];
  splits: string[];
  numRows?: number;
}

/** How a scheduled run ended, as recorded in `schedule_runs`. */
export interface ScheduledRunOutcome {
  runUid: number;
  benchmarkExecutionUid: number | null;
  gateUid: number | null;
  /** null for a run whose schedule has no gate. */
  passed: boolean | null;
  /** Why it did not pass or was not gated (the execution failed, no passing run to compare with yet, …). */
  note: string | null;
}
