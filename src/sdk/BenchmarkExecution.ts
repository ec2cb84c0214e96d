/** One execution run of a benchmark (reference: BenchmarkExecution), and its export. */
import { requireUid } from '../errors';
import { Judgeflow } from './Judgeflow';
import type { BenchmarkExecutionRecord } from '../services/client/benchmark-executions';
import {
  benchmarkExecutionStatus,
  benchmarkExecutionUrl,
  cancelBenchmarkExecution,
  getBenchmarkExecutionProgress,
  requireBenchmarkExecution,
  waitForBenchmarkExecution,
} from '../services/client/benchmark-executions';
import { exportBenchmarkExecution, type ExportOptions } from '../services/client/exports';
import { benchmarkExecutionAgreement } from '../services/client/agreement';
import { benchmarkExecutionJury, type JuryOptions, type JuryReport } from '../services/client/jury';
import {
  escalateBenchmarkExecution,
  type EscalationOptions,
  type EscalationReport,
} from '../services/client/escalation';
import { compareBenchmarkExecutions, type BenchmarkComparison } from '../services/common/comparison';
import {
  gateBenchmarkExecution,
  listBenchmarkExecutionGates,
  type GateOptions,
  type GateResult,
} from '../services/common/gates';
import type { BootstrapOptions } from '../metrics/bootstrap';
import type { AgreementOptions } from '../metrics/agreement';
import type { BenchmarkSummary } from '../metrics/benchmark-summary';
import type { BenchmarkProgress } from '../shared/benchmark-contract';
import type { ExecutionStatus } from '../shared/execution-contract';
import { benchmarkExecutionWorkflowId } from '../shared/workflow-ids';

export class BenchmarkExecution {
  /** The unique identifier of the parent benchmark. */
  readonly benchmarkUid: number;
  /** The unique identifier of this execution. */
  readonly benchmarkExecutionUid: number;
  readonly name: string;
  /** When this execution was run. */
  readonly createdAt: Date;
  /** The user who ran it (JUDGEFLOW_USER, else the OS user). */
  readonly createdBy: string;
  readonly splits: string[];
  readonly numRows: number | null;
  /** The prompt evaluators it runs (`execute({ evaluatorUids })`); null for every one of the benchmark's. */
  readonly evaluatorUids: number[] | null;

  /** The client this object was read with: a true private field, so no way of printing the object shows it. */
  readonly #client: Judgeflow;

  private constructor(client: Judgeflow, record: BenchmarkExecutionRecord) {
    this.#client = client;
    this.benchmarkUid = record.benchmarkUid;
    this.benchmarkExecutionUid = record.uid;
    this.name = record.name;
    this.createdAt = record.createdAt;
    this.createdBy = record.createdBy;
    this.splits = record.splits;
    this.numRows = record.numRows;
    this.evaluatorUids = record.evaluatorUids;
  }

  /** @internal */
  static fromRecord(client: Judgeflow, record: BenchmarkExecutionRecord): BenchmarkExecution {
    return new BenchmarkExecution(client, record);
  }

  static async get(benchmarkExecutionUid: number, client?: Judgeflow): Promise<BenchmarkExecution> {
    requireUid('benchmarkExecutionUid', benchmarkExecutionUid);
    const jf = Judgeflow.resolve(client);
    return new BenchmarkExecution(jf, await requireBenchmarkExecution(jf, benchmarkExecutionUid));
  }

  get workflowId(): string {
    return benchmarkExecutionWorkflowId(this.#client.instanceId, this.benchmarkUid, this.benchmarkExecutionUid);
  }

  /** Web UI link of this execution's workflow. */
  get url(): string {
    return benchmarkExecutionUrl(this.#client, { benchmarkUid: this.benchmarkUid, uid: this.benchmarkExecutionUid });
  }

  /** running, completed, failed or cancelled; a workflow terminated in Temporal reads as failed. */
  async status(): Promise<ExecutionStatus> {
    return (await benchmarkExecutionStatus(this.#client, this.benchmarkExecutionUid)).status;
  }

  /** Agreement with ground truth per evaluator and slice, once the execution has ended (null before). */
  async summary(): Promise<unknown> {
    return (await requireBenchmarkExecution(this.#client, this.benchmarkExecutionUid)).summary ?? null;
  }

  /**
   * Agreement with ground truth per evaluator and slice, computed now (also while running) with 95 % intervals:
   * accuracy, Cohen's and weighted κ, Krippendorff's α, Gwet's AC1, per-label P/R/F1, the majority baseline and
   * plain-words notes. `clusterColumn` resamples rows that share its value together (e.g. `conversation_id`);
   * `resamples`, `seed` and `level` set the bootstrap (defaults 2000, 1, 0.95). docs/agreement.md explains each.
   */
  agreement(options: AgreementOptions = {}): Promise<BenchmarkSummary> {
    return benchmarkExecutionAgreement(this.#client, this.benchmarkExecutionUid, options);
  }

  /**
   * A jury of `evaluatorUids` (evaluators of one criteria that ran here): its verdict per datapoint by `rule`
   * (majority, median, mean, or weighted by each juror's log-odds of being right on the `weightsFrom` split), each
   * juror's and the jury's agreement with ground truth, Fleiss' κ and Krippendorff's α between the jurors, their
   * error correlations and the effective number of independent votes (docs/judging.md, "Juries").
   */
  jury(options: JuryOptions): Promise<JuryReport> {
    return benchmarkExecutionJury(this.#client, this.benchmarkExecutionUid, options);
  }

  /**
   * A cascade: the rows evaluator `from` judged below a confidence threshold (given, or chosen on `calibrationSplit`
   * to reach `targetAccuracy`) are judged again by evaluator `to`, and flagged for review where the two disagree if
   * asked; reports the share escalated, agreement before and after, and each stage's cost (docs/judging.md).
   */
  escalate(options: EscalationOptions): Promise<EscalationReport> {
    return escalateBenchmarkExecution(this.#client, this.benchmarkExecutionUid, options);
  }

  /**
   * Is the change from this execution (A, before) to `other` (B, after) real? Per evaluator both ran, over the
   * datapoints both judged: fixed, broken and changed-but-still-wrong counts, McNemar's exact p, paired-bootstrap
   * intervals of Δaccuracy and Δκ, a verdict per metric and notes. Both must be executions of this benchmark.
   */
  compareWith(other: BenchmarkExecution | number, options: BootstrapOptions = {}): Promise<BenchmarkComparison> {
    const otherUid = other instanceof BenchmarkExecution ? other.benchmarkExecutionUid : other;
    requireUid('benchmarkExecutionUid', otherUid);
    return compareBenchmarkExecutions(this.#client, this.benchmarkExecutionUid, otherUid, options);
  }

  /**
   * A CI gate: checks this (ended) execution against thresholds — `minAccuracy` and `minKappa` against the lower end
   * of their 95 % intervals, `maxErrorRate`, `noSignificantRegression` against `baseline` — per evaluator (or
   * `evaluatorUids`), on all rows or `slice`; stores the outcome (thresholds, values, verdict, who, when) and
   * returns it. `passed` is false when any check fails.
   */
  gate(options: GateOptions): Promise<GateResult> {
    return gateBenchmarkExecution(this.#client, this.benchmarkExecutionUid, options);
  }

  /** The gate results stored for this execution, oldest first. */
  gates(): Promise<GateResult[]> {
    return listBenchmarkExecutionGates(this.#client, this.benchmarkExecutionUid);
  }

  /** Live progress of each evaluator execution, from the workflow's `progress` query. */
  progress(): Promise<BenchmarkProgress> {
    return getBenchmarkExecutionProgress(this.#client, this.benchmarkExecutionUid);
  }

  /** Waits for the end and returns the final status. */
  wait(): Promise<ExecutionStatus> {
    return waitForBenchmarkExecution(this.#client, this.benchmarkExecutionUid);
  }

  /** Stops every evaluator execution of this run; results already written are kept. */
  cancel(reason = 'cancelled through the SDK'): Promise<void> {
    return cancelBenchmarkExecution(this.#client, this.benchmarkExecutionUid, reason);
  }

  /**
   * Exports benchmark metadata, execution metadata and every datapoint (scored or not) with each evaluator's
   * score, rationale and agreement with ground truth, and slice memberships; CSV also the user columns and the
   * ground truth. Returns when the file is complete. JSON unless `config` is a CsvExportConfig.
   * `connectorConfigUid` is only used for private s3:// or gs:// destinations and is ignored for local files.
   * An existing local file is refused unless `overwrite` is true.
   */
  export(filepath: string, options: ExportOptions = {}): Promise<void> {
    return exportBenchmarkExecution(
      this.#client,
      { benchmarkUid: this.benchmarkUid, uid: this.benchmarkExecutionUid },
      filepath,
      options,
    );
  }
}

/**
 * `compareExecutions(a, b)`: is the change from benchmark execution A to B real? The same as `a.compareWith(b)`;
 * uids are read with `client` (default: `Judgeflow.connect()`).
 */
export async function compareExecutions(
  before: BenchmarkExecution | number,
  after: BenchmarkExecution | number,
  options: BootstrapOptions & { client?: Judgeflow } = {},
): Promise<BenchmarkComparison> {
  const { client, ...bootstrap } = options;
  const a = before instanceof BenchmarkExecution ? before : await BenchmarkExecution.get(before, client);
  return a.compareWith(after, bootstrap);
}
