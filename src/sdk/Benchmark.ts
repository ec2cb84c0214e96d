/** A benchmark: a dataset with ground truth, plus criteria, evaluators and slices; and its executions. */
import { Judgeflow } from './Judgeflow';
import { NotFoundError, requireNonEmptyString, requireUid } from '../errors';
import { findBenchmark, insertBenchmark, listBenchmarks, type BenchmarkRecord } from '../db/benchmark.repository';
import { findDataset } from '../db/dataset.repository';
import {
  listBenchmarkExecutions,
  startBenchmarkExecution,
  type BenchmarkExecuteOptions,
} from '../services/benchmark-executions';
import { BenchmarkExecution } from './BenchmarkExecution';
import { Criteria } from './Criteria';
import { Slice } from './Slice';
import { listEvaluators, type EvaluatorSummary } from '../db/evaluator.repository';
import { estimateBenchmarkExecution, type BenchmarkEstimate } from '../services/estimates';

export interface CreateBenchmarkParams {
  name: string;
  description?: string;
  datasetUid: number;
}

export class Benchmark {
  readonly benchmarkUid: number;
  readonly name: string;
  readonly description: string;
  readonly datasetUid: number;
  readonly createdAt: Date;

  private constructor(
    private readonly client: Judgeflow,
    record: BenchmarkRecord,
  ) {
    this.benchmarkUid = record.uid;
    this.name = record.name;
    this.description = record.description;
    this.datasetUid = record.datasetUid;
    this.createdAt = record.createdAt;
  }

  static async create(params: CreateBenchmarkParams, client?: Judgeflow): Promise<Benchmark> {
    const jf = Judgeflow.resolve(client);
    requireNonEmptyString('benchmark name', params.name);
    requireUid('datasetUid', params.datasetUid);
    if (!(await findDataset(jf.db, params.datasetUid))) throw new NotFoundError('dataset', params.datasetUid);
    const uid = await insertBenchmark(jf.db, {
      name: params.name,
      description: params.description ?? '',
      datasetUid: params.datasetUid,
    });
    return Benchmark.get(uid, jf);
  }

  static async get(benchmarkUid: number, client?: Judgeflow): Promise<Benchmark> {
    requireUid('benchmarkUid', benchmarkUid);
    const jf = Judgeflow.resolve(client);
    const record = await findBenchmark(jf.db, benchmarkUid);
    if (!record) throw new NotFoundError('benchmark', benchmarkUid);
    return new Benchmark(jf, record);
  }

  static async list(client?: Judgeflow): Promise<Benchmark[]> {
    const jf = Judgeflow.resolve(client);
    return (await listBenchmarks(jf.db)).map((r) => new Benchmark(jf, r));
  }

  criteria(): Promise<Criteria[]> {
    return Criteria.list(this.benchmarkUid, this.client);
  }

  slices(): Promise<Slice[]> {
    return Slice.list(this.benchmarkUid, this.client);
  }

  /** Evaluators of every type, oldest first. */
  evaluators(): Promise<EvaluatorSummary[]> {
    return listEvaluators(this.client.db, this.benchmarkUid);
  }

  /** Runs every prompt evaluator of the benchmark (see BenchmarkExecuteOptions for the default splits). */
  async execute(options: BenchmarkExecuteOptions = {}): Promise<BenchmarkExecution> {
    return BenchmarkExecution.fromRecord(
      this.client,
      await startBenchmarkExecution(this.client, this.benchmarkUid, options),
    );
  }

  /** What a benchmark execution with these options would cost: each evaluator × split estimated, and the sums. */
  estimate(options: { splits?: string[]; numRows?: number; concurrency?: number } = {}): Promise<BenchmarkEstimate> {
    return estimateBenchmarkExecution(this.client, this.benchmarkUid, options);
  }

  /** This benchmark's executions, newest first: `listExecutions()[0]` is the latest run. */
  async listExecutions(): Promise<BenchmarkExecution[]> {
    return (await listBenchmarkExecutions(this.client, this.benchmarkUid)).map((r) =>
      BenchmarkExecution.fromRecord(this.client, r),
    );
  }
}
