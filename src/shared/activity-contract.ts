/**
 * The activity contract: what each workflow may call, with the types its arguments and results already have in
 * execution-contract.ts and benchmark-contract.ts. Workflows proxy these interfaces; `createActivities` (the real
 * activities) and the workflow tests' fakes are both checked against them (`satisfies`), so neither can drift.
 */
import type { BenchmarkChild } from './benchmark-contract';
import type { ScheduledRunOutcome, ScheduledRunStart } from './schedule-contract';
import type {
  DatapointPage,
  ExecutionPlan,
  JudgeDatapointParams,
  JudgeDatapointResult,
  RowErrorRecord,
  StoredExecutionStatus,
} from './execution-contract';

/** How a run of work ended, as a workflow records it. */
export interface RecordedEnd {
  status: StoredExecutionStatus;
  error?: string;
}

/** What `evaluatorExecutionWorkflow` calls. */
export interface EvaluatorExecutionActivities {
  /** The execution's size, concurrency and budget; with a per-row spend estimate until a row has paid. */
  loadExecutionPlan(p: { executionUid: number; withRowEstimate?: boolean }): Promise<ExecutionPlan>;
  listDatapointPage(p: { executionUid: number; afterPosition: number; limit: number }): Promise<DatapointPage>;
  /** One row: a local activity (a server-side one for executions started before LOCAL_ROWS_PATCH). */
  judgeDatapoint(p: JudgeDatapointParams): Promise<JudgeDatapointResult>;
  /** Rows whose activity failed for good keep an error instead of a score. Idempotent. */
  recordRowErrors(p: { executionUid: number; errors: RowErrorRecord[] }): Promise<void>;
  /** One row error, for executions started before recordRowErrors (ROW_ERRORS_AT_RUN_END_PATCH). */
  recordRowError(p: { executionUid: number } & RowErrorRecord): Promise<void>;
  finishExecution(p: { executionUid: number } & RecordedEnd): Promise<void>;
}

/** What `benchmarkExecutionWorkflow` calls. */
export interface BenchmarkExecutionActivities {
  /** Idempotent: a retry returns the evaluator executions the first try made. */
  planBenchmarkExecution(p: { benchmarkExecutionUid: number }): Promise<BenchmarkChild[]>;
  finishBenchmarkExecution(p: { benchmarkExecutionUid: number } & RecordedEnd): Promise<void>;
}

/** What `exportWorkflow` calls. */
export interface ExportActivities {
  /** Streams the export into its destination, heartbeating; commits it only when complete. */
  writeExport(p: { exportUid: number }): Promise<{ rowsWritten: number }>;
  finishExport(p: { exportUid: number; rowsWritten: number } & RecordedEnd): Promise<void>;
}

/** What `scheduledRunWorkflow` calls; each is idempotent (src/services/worker/scheduled-runs.ts). */
export interface ScheduledRunActivities {
  recordScheduledRun(p: { scheduleUid: number; workflowId: string }): Promise<{ runUid: number }>;
  startScheduledRunExecution(p: { runUid: number }): Promise<ScheduledRunStart>;
  /** Gates the run (unless it failed: `error` when its execution could not even start) and records how it ended. */
  finishScheduledRun(p: { runUid: number; error?: string }): Promise<ScheduledRunOutcome>;
}

/** Every activity a judgeflow worker registers. */
export type JudgeflowActivities = EvaluatorExecutionActivities &
  BenchmarkExecutionActivities &
  ExportActivities &
  ScheduledRunActivities;
