/** A benchmark: a dataset with ground truth, plus criteria, evaluators and slices; and its executions. */
import { Judgeflow } from './Judgeflow';
import { requireUid } from '../errors';
import {
  createBenchmark,
  listBenchmarkEvaluators,
  listBenchmarks,
  requireBenchmark,
  type BenchmarkRecord,
  type CreateBenchmarkParams,
  type EvaluatorSummary,
} from '../services/client/benchmarks';
import {
  listBenchmarkExecutions,
  startBenchmarkExecution,
  type BenchmarkExecuteOptions,
} from '../services/client/benchmark-executions';
import { estimateBenchmarkExecution, type BenchmarkEstimate } from '../services/client/estimates';
import { BenchmarkExecution } from './BenchmarkExecution';
import { Criteria } from './Criteria';
import { Slice } from './Slice';

export type { CreateBenchmarkParams } from '../services/client/benchmarks';

export class Benchmark {
  readonly benchmarkUid: number;
  readonly name: string;
  readonly description: string;
  readonly datasetUid: number;
  readonly createdAt: Date;

  /** The client this object was read with: a true private field, so no way of printing the object shows it. */
  readonly #client: Judgeflow;

  private constructor(client: Judgeflow, record: BenchmarkRecord) {
    this.#client = client;
    this.benchmarkUid = record.uid;
    this.name = record.name;
    this.description = record.description;
    this.datasetUid = record.datasetUid;
    this.createdAt = record.createdAt;
  }

  static async create(params: CreateBenchmarkParams, client?: Judgeflow): Promise<Benchmark> {
    const jf = Judgeflow.resolve(client);
    return new Benchmark(jf, await createBenchmark(jf, params));
  }

  static async get(benchmarkUid: number, client?: Judgeflow): Promise<Benchmark> {
    requireUid('benchmarkUid', benchmarkUid);
    const jf = Judgeflow.resolve(client);
    return new Benchmark(jf, await requireBenchmark(jf, benchmarkUid));
  }

  static async list(client?: Judgeflow): Promise<Benchmark[]> {
    const jf = Judgeflow.resolve(client);
    return (await listBenchmarks(jf)).map((r) => new Benchmark(jf, r));
  }

  criteria(): Promise<Criteria[]> {
    return Criteria.list(this.benchmarkUid, this.#client);
  }

  slices(): Promise<Slice[]> {
    return Slice.list(this.benchmarkUid, this.#client);
  }

  /** Evaluators of every type, oldest first. */
  evaluators(): Promise<EvaluatorSummary[]> {
    return listBenchmarkEvaluators(this.#client, this.benchmarkUid);
  }

  /** Runs every prompt evaluator of the benchmark (see BenchmarkExecuteOptions for the default splits). */
  async execute(options: BenchmarkExecuteOptions = {}): Promise<BenchmarkExecution> {
    return BenchmarkExecution.fromRecord(
      this.#client,
      await startBenchmarkExecution(this.#client, this.benchmarkUid, options),
    );
  }

  /** What a benchmark execution with these options would cost: each evaluator × split estimated, and the sums. */
  estimate(
    options: {
      splits?: string[];
      numRows?: number;
      concurrency?: number;
      evaluatorUids?: number[];
      samples?: number;
    } = {},
  ): Promise<BenchmarkEstimate> {
    return estimateBenchmarkExecution(this.#client, this.benchmarkUid, options);
  }

  /** This benchmark's executions, newest first: `listExecutions()[0]` is the latest run. */
  async listExecutions(): Promise<BenchmarkExecution[]> {
    return (await listBenchmarkExecutions(this.#client, this.benchmarkUid)).map((r) =>
      BenchmarkExecution.fromRecord(this.#client, r),
    );
  }
}
