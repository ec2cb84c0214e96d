/** One execution run of a benchmark (reference: BenchmarkExecution), and its export. */
import { WorkflowNotFoundError } from '@temporalio/client';
import { Judgeflow } from './client';
import { NotFoundError } from '../errors';
import { findBenchmarkExecution, type BenchmarkExecutionRecord } from '../db/benchmark-execution.repository';
import type { BenchmarkProgress } from '../shared/benchmark-contract';
import { CANCEL_SIGNAL, PROGRESS_QUERY, type ExecutionStatus } from '../shared/execution-contract';
import { benchmarkExecutionWorkflowId, workflowUrl } from '../temporal/workflow-ids';
import { runExport, type ExportOptions } from './exports';

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

  private constructor(
    private readonly client: Judgeflow,
    record: BenchmarkExecutionRecord,
  ) {
    this.benchmarkUid = record.benchmarkUid;
    this.benchmarkExecutionUid = record.uid;
    this.name = record.name;
    this.createdAt = record.createdAt;
    this.createdBy = record.createdBy;
    this.splits = record.splits;
    this.numRows = record.numRows;
  }

  /** @internal */
  static fromRecord(client: Judgeflow, record: BenchmarkExecutionRecord): BenchmarkExecution {
    return new BenchmarkExecution(client, record);
  }

  static async get(benchmarkExecutionUid: number, client?: Judgeflow): Promise<BenchmarkExecution> {
    const jf = Judgeflow.resolve(client);
    const record = await findBenchmarkExecution(jf.db, benchmarkExecutionUid);
    if (!record) throw new NotFoundError('benchmark execution', benchmarkExecutionUid);
    return new BenchmarkExecution(jf, record);
  }

  get workflowId(): string {
    return benchmarkExecutionWorkflowId(this.benchmarkUid, this.benchmarkExecutionUid);
  }

  /** Web UI link of this execution's workflow. */
  get url(): string {
    const t = this.client.config.temporal;
    return workflowUrl(t.uiUrl, t.namespace, this.workflowId);
  }

  /** The stored status; `running` until the workflow records its end. */
  async status(): Promise<ExecutionStatus> {
    return (await findBenchmarkExecution(this.client.db, this.benchmarkExecutionUid))?.status ?? 'unknown';
  }

  /** Agreement with ground truth per evaluator and slice, once the execution has ended (null before). */
  async summary(): Promise<unknown> {
    return (await findBenchmarkExecution(this.client.db, this.benchmarkExecutionUid))?.summary ?? null;
  }

  /** Live progress of each evaluator execution, from the workflow's `progress` query. */
  async progress(): Promise<BenchmarkProgress> {
    return (await this.client.temporal()).workflow.getHandle(this.workflowId).query<BenchmarkProgress>(PROGRESS_QUERY);
  }

  /** Waits for the end and returns the final status. */
  async wait(): Promise<ExecutionStatus> {
    try {
      await (await this.client.temporal()).workflow.getHandle(this.workflowId).result();
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return this.status();
      // Failed or cancelled: the stored status says which.
    }
    return this.status();
  }

  /** Stops every evaluator execution of this run; results already written are kept. */
  async cancel(reason = 'cancelled through the SDK'): Promise<void> {
    if ((await this.status()) !== 'running') return;
    await (await this.client.temporal()).workflow.getHandle(this.workflowId).signal(CANCEL_SIGNAL, { reason });
  }

  /**
   * Exports benchmark metadata, execution metadata and every datapoint (scored or not) with each evaluator's
   * score, rationale and agreement with ground truth, and slice memberships; CSV also the user columns and the
   * ground truth. Returns when the file is complete. JSON unless `config` is a CsvExportConfig.
   * `connectorConfigUid` is only used for private s3:// or gs:// destinations and is ignored for local files.
   */
  async export(filepath: string, options: ExportOptions = {}): Promise<void> {
    await runExport(this.client, this.benchmarkExecutionUid, this.benchmarkUid, filepath, options);
  }
}
