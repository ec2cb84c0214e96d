/** What benchmark-execution and export workflows, their activities and the SDK agree on. Side-effect free. */
import type { StoredExecutionStatus } from './execution-contract';

export interface BenchmarkExecutionInput {
  benchmarkExecutionUid: number;
  /** Test hook passed to the evaluator executions: rows per workflow run. */
  pageSize?: number;
}

/** One evaluator execution (evaluator × split) of a benchmark execution. */
export interface BenchmarkChild {
  evaluatorUid: number;
  benchmarkUid: number;
  executionUid: number;
  split: string;
  totalRows: number;
}

export interface BenchmarkChildProgress extends BenchmarkChild {
  status: StoredExecutionStatus | 'pending';
  reason?: string;
}

export interface BenchmarkProgress {
  benchmarkExecutionUid: number;
  status: StoredExecutionStatus;
  children: BenchmarkChildProgress[];
  reason?: string;
}

export interface ExportInput {
  exportUid: number;
}

export interface ExportOutcome {
  exportUid: number;
  status: StoredExecutionStatus;
  rowsWritten: number;
  reason?: string;
}
