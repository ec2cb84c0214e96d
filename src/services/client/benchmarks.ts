/** Benchmarks, each use case once: create (on an existing dataset), get, list, and a benchmark's evaluators. */
import { NotFoundError, requireNonEmptyString, requireUid } from '../../errors';
import {
  findBenchmark,
  insertBenchmark,
  listBenchmarks as listBenchmarkRecords,
  type BenchmarkRecord,
} from '../../db/benchmark.repository';
import { findDataset } from '../../db/dataset.repository';
import { listEvaluators, type EvaluatorSummary } from '../../db/evaluator.repository';
import type { StorageContext } from '../common/context';

export type { BenchmarkRecord } from '../../db/benchmark.repository';
export type { EvaluatorSummary } from '../../db/evaluator.repository';

export interface CreateBenchmarkParams {
  name: string;
  description?: string;
  datasetUid: number;
}

export async function createBenchmark(ctx: StorageContext, params: CreateBenchmarkParams): Promise<BenchmarkRecord> {
  requireNonEmptyString('benchmark name', params.name);
  requireUid('datasetUid', params.datasetUid);
  if (!(await findDataset(ctx.db, params.datasetUid))) throw new NotFoundError('dataset', params.datasetUid);
  const uid = await insertBenchmark(ctx.db, {
    name: params.name,
    description: params.description ?? '',
    datasetUid: params.datasetUid,
  });
  return requireBenchmark(ctx, uid);
}

export async function requireBenchmark(ctx: StorageContext, benchmarkUid: number): Promise<BenchmarkRecord> {
  const record = await findBenchmark(ctx.db, benchmarkUid);
  if (!record) throw new NotFoundError('benchmark', benchmarkUid);
  return record;
}

export function listBenchmarks(ctx: StorageContext): Promise<BenchmarkRecord[]> {
  return listBenchmarkRecords(ctx.db);
}

/** A benchmark's evaluators of every type, oldest first. */
export function listBenchmarkEvaluators(ctx: StorageContext, benchmarkUid: number): Promise<EvaluatorSummary[]> {
  return listEvaluators(ctx.db, benchmarkUid);
}
