/**
 * What a results report shows, as plain data: built from PostgreSQL by services/report.ts, rendered to one
 * self-contained HTML file by report/render-html.ts (which knows nothing of where the numbers came from).
 */
import type { AgreementSummary } from '../metrics/agreement';
import type { ExecutionComparison } from '../metrics/paired-comparison';
import type { GateCheck } from '../metrics/gate';
import type { PromptChange } from '../shared/prompt-changes';
import type { ChangedVerdictRow, ReportDatapoint } from '../shared/report-rows';
import type { RowErrorKind } from '../shared/row-errors';

export type { ChangedVerdictRow, ReportDatapoint };

export interface ReportLabel {
  name: string;
  score: number;
}

export interface ReportEvaluatorRun {
  executionUid: number;
  split: string;
  status: string;
  promptVersionName: string;
  modelName: string;
  totalRows: number;
  /** How its scores were made: one answer, samples and their aggregation, or logprobs (shared/sampling.ts). */
  verdict: string;
  /** Rows finished, scored or errored; `rowErrors` of them errored. */
  rowsJudged: number;
  rowErrors: number;
  seconds: number | null;
  url: string;
}

export interface ReportEvaluator {
  evaluatorUid: number;
  name: string;
  criteriaName: string;
  labels: ReportLabel[];
  runs: ReportEvaluatorRun[];
  overall: AgreementSummary;
  bySlice: Record<string, AgreementSummary>;
  errorsByKind: Partial<Record<RowErrorKind, number>>;
  /** Sums over the rows whose provider reported usage; null when none did. */
  promptTokens: number | null;
  completionTokens: number | null;
  meanLatencyMs: number | null;
  /** From the configured price table; null when a paid row's model had no price (never a guess). */
  costUsd: number | null;
  /** Rows answered from the request cache (free). */
  cacheHits: number;
}

export interface BenchmarkExecutionReport {
  benchmark: { uid: number; name: string; description: string };
  dataset: { uid: number; name: string; columns: string[] };
  execution: {
    uid: number;
    name: string;
    status: string;
    error: string | null;
    createdBy: string;
    createdAt: string;
    finishedAt: string | null;
    seconds: number | null;
    splits: string[];
    numRows: number | null;
    url: string;
    /** Rows its evaluator executions finished, and how many of them ended as row errors. */
    rows: number;
    rowErrors: number;
  };
  evaluators: ReportEvaluator[];
  /** Every `judgeflow gate` outcome stored for this execution, oldest first. */
  gates: ReportGate[];
  /**
   * Every row compared with the ground truth and every row error (at most `limit` of `total`, disagreements and
   * errors first); `problems` of the total are disagreements or errors.
   */
  datapoints: { rows: ReportDatapoint[]; total: number; problems: number; limit: number };
  generatedAt: string;
}

/** Two benchmark executions of one benchmark side by side (`judgeflow report A B`). */
export interface ComparisonReport {
  before: BenchmarkExecutionReport;
  after: BenchmarkExecutionReport;
  /** Per evaluator: fixed/broken tallies, McNemar's p, paired-bootstrap intervals and verdicts. */
  /** With, per evaluator that both ran, the prompt versions and what changed between them. */
  comparison: ExecutionComparison & { promptChanges: PromptChange[] };
  changed: { rows: ChangedVerdictRow[]; total: number; limit: number };
  generatedAt: string;
}

/** One stored gate outcome. */
export interface ReportGate {
  gateUid: number;
  passed: boolean;
  baselineUid: number | null;
  checks: GateCheck[];
  createdBy: string;
  createdAt: string;
}
