/**
 * What evaluator-execution workflows, activities and the SDK agree on. Side-effect free (workflows import it):
 * only types and constants. Everything here is small: uids, counters and ids, never row contents or prompts.
 */
import type { RowErrorKind } from './row-errors';

export const EXECUTION_STATUSES = ['running', 'completed', 'failed', 'cancelled', 'unknown'] as const;
export type ExecutionStatus = (typeof EXECUTION_STATUSES)[number];
/** A status PostgreSQL can hold (it never records `unknown`). */
export type StoredExecutionStatus = Exclude<ExecutionStatus, 'unknown'>;

/** Signal the SDK sends to stop an execution; Temporal's own cancel (Web UI button) ends the same way. */
export const CANCEL_SIGNAL = 'cancel';
export const STATUS_QUERY = 'status';
export const PROGRESS_QUERY = 'progress';

/**
 * Rows fetched per page; the workflow continues-as-new after each page (about 1.03 events per row: a local
 * activity's marker each), so history stays near 1,030 events per run, below Temporal's continue-as-new suggestion and far below its 51,200 limit.
 */
export const DEFAULT_PAGE_SIZE = 1000;
/**
 * The workflow task timeout of an evaluator execution. While rows run as local activities the worker keeps its
 * workflow task open and completes it at 80 % of this timeout (Temporal's workflow task heartbeat): signals,
 * Updates and queries are answered at those points, so this bounds their latency to about 1.6 s (Temporal's
 * default of 10 s would make a progress query wait up to 8 s).
 */
export const EXECUTION_WORKFLOW_TASK_TIMEOUT = '2 seconds';
/**
 * Attempts of one row's judge activity before its failure is recorded as a row error. Rate limits and an
 * unreachable PostgreSQL do not count: they are retried until JUDGEFLOW_RATE_LIMIT_PATIENCE / for as long as it takes.
 */
export const ROW_MAX_ATTEMPTS = 5;
/** Attempts an unparseable or out-of-range answer gets before it becomes a row error. */
export const ANSWER_MAX_ATTEMPTS = 3;

/**
 * The worker-side sink through which a stopping execution aborts its rows' local activities in flight, so a
 * cancel takes effect at once. (Cancelling a local activity through its cancellation scope races with its
 * completion inside Temporal's core and can fail the workflow task with a nondeterminism error.) A type, not an
 * interface: Temporal's Sinks is a record type, which only a type alias satisfies.
 */
export type RowSinks = {
  rows: { stopExecution(executionUid: number): void };
};

/** Recent results kept in workflow state for the `progress` query. */
export const RECENT_RESULTS = 20;

export interface ExecutionCounters {
  /** Rows finished (scored or errored). */
  done: number;
  /** Rows finished with an error. */
  errors: number;
  /** Count per score, as `{ "<score>": n }`. */
  histogram: Record<string, number>;
  /** How many runs (continue-as-new) this execution has had before the current one. */
  runs: number;
  /** Row errors per kind (absent in counters carried over from before kinds existed). */
  errorsByKind?: Partial<Record<RowErrorKind, number>>;
  /** Model calls the provider answered with a rate limit (429, 503/529 overloaded). */
  rateLimited?: number;
  /** What the rows spent so far (absent in counters from before spend control). */
  spend?: ExecutionSpend;
}

export interface ExecutionSpend {
  /** Prompt + completion tokens as the provider reported them; cache hits count 0. */
  tokens: number;
  /** Sum over rows with a known cost. */
  costUsd: number;
  /** Paid rows whose model has no configured price: the cost is then a lower bound. */
  costUnknownRows: number;
  /** Rows that reused an earlier row's answer (request cache). */
  cacheHits: number;
  /** Rows that paid for a call (for the mean cost per row). */
  paidRows: number;
}

/**
 * What an execution spent as its progress reports it: as ExecutionSpend, but `costUsd` is null once a paid row's cost
 * is unknown (its model has no price), since the sum of the known ones would pass for the cost.
 */
export type ReportedSpend = Omit<ExecutionSpend, 'costUsd'> & { costUsd: number | null };

/** Limits on what an execution may spend; either or both. */
export interface Budget {
  maxCostUsd?: number;
  maxTokens?: number;
}

/** Why an execution is not scheduling rows although it runs: paused by a user, or by its budget. */
export interface PauseState {
  by: 'user' | 'budget';
  reason: string;
}

/** Live control that continue-as-new carries over. */
export interface ExecutionControl {
  budget: Budget;
  pausedByUser: boolean;
  /** Rows in flight at most, as set by setConcurrency (else the execution's concurrency). */
  concurrency?: number;
}

/** The adaptive concurrency window, carried across continue-as-new. */
export interface AdmissionState {
  /** Rows allowed in flight now (1..max). */
  limit: number;
  /** Successes counted towards the next increase of `limit`. */
  credit: number;
}

export interface EvaluatorExecutionInput {
  executionUid: number;
  /** Dataset position after which the next page starts (absent on the first run). */
  afterPosition?: number;
  counters?: ExecutionCounters;
  /** Test hook: smaller pages make continue-as-new happen on small runs. */
  pageSize?: number;
  admission?: AdmissionState;
  control?: ExecutionControl;
}

export interface RecentResult {
  xUid: string;
  score?: number;
  error?: string;
  errorKind?: RowErrorKind;
}

export interface ExecutionProgress {
  executionUid: number;
  status: ExecutionStatus;
  total: number;
  done: number;
  errors: number;
  /** Row errors per kind, e.g. `{ unparseable: 2, timeout: 1 }`. */
  errorsByKind: Partial<Record<RowErrorKind, number>>;
  /** Rows in flight now, including rows waiting out a rate limit. */
  inFlight: number;
  /** The adaptive concurrency: rows allowed in flight now (halved on rate limits) and the requested maximum. */
  concurrency: { effective: number; max: number };
  /** Model calls answered with a rate limit so far; they are retried and cost no row. */
  rateLimited: number;
  histogram: Record<string, number>;
  /** 1-based number of the current run (continue-as-new chain). */
  run: number;
  recent: RecentResult[];
  /** Why the execution failed or was cancelled. */
  reason?: string;
  /** Set while it waits: paused by a user (resume) or by its budget (raise it). Status stays `running`. */
  paused?: PauseState;
  spend: ReportedSpend;
  budget: Budget;
}

/** Names of the workflow's Updates (live control; each answers with the new progress). */
export const PAUSE_UPDATE = 'pause';
export const RESUME_UPDATE = 'resume';
export const SET_CONCURRENCY_UPDATE = 'setConcurrency';
export const SET_BUDGET_UPDATE = 'setBudget';

export interface EvaluatorExecutionOutcome {
  executionUid: number;
  status: StoredExecutionStatus;
  done: number;
  errors: number;
  reason?: string;
}

/** Activity argument/results of the per-execution plan and page look-ups. */
export interface ExecutionPlan {
  total: number;
  concurrency: number;
  /** The worker's cap on concurrency: setConcurrency accepts 1..maxConcurrency. */
  maxConcurrency: number;
  /** The budget and cache setting the execution started with. */
  budget: Budget;
  /**
   * Expected spend of one row before any row has paid (from the estimate of the first rows); only when asked for:
   * once rows have paid, their mean serves instead.
   */
  rowEstimate?: { tokens: number; costUsd: number | null };
}
export interface DatapointPage {
  xUids: string[];
  positions: number[];
  /** Whether rows follow this page (absent in pages recorded before it existed). */
  more?: boolean;
}
export interface JudgeDatapointParams {
  executionUid: number;
  xUid: string;
  position: number;
  /** Attempts this row already spent on real failures in earlier activities (before a rate limit). */
  priorAttempts?: number;
  /** How long the row has waited out rate limits so far, to give up after the configured patience. */
  rateLimitedForMs?: number;
}
/** What a scored row spent: tokens as the provider reported them (0 for a cache hit), cost when priced. */
export interface RowSpend {
  tokens: number;
  /** null when the model has no configured price. */
  costUsd: number | null;
  cacheHit?: true;
}

/** Kept tiny: it lands in workflow history for every row. */
export type JudgeDatapointResult =
  | { xUid: string; score: number; spend?: RowSpend }
  | { xUid: string; error: string; errorKind: RowErrorKind; spend?: RowSpend };

/** A row whose activity failed for good, as the workflow hands it to `recordRowErrors`. */
export interface RowErrorRecord {
  xUid: string;
  error: string;
  errorKind: RowErrorKind;
}
