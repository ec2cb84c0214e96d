/**
 * Agreement with ground truth of a benchmark execution computed now, from what PostgreSQL holds (during the run too),
 * with the caller's interval settings: the bootstrap's resamples, seed and level, and a cluster column.
 */
import type { AgreementOptions } from '../../metrics/agreement';
import type { BenchmarkSummary } from '../../metrics/benchmark-summary';
import type { StorageContext } from '../common/context';
import { summarizeBenchmarkExecution } from '../common/benchmark-summary';
import { requireBenchmarkExecution } from './benchmark-executions';

export async function benchmarkExecutionAgreement(
  ctx: StorageContext,
  benchmarkExecutionUid: number,
  options: AgreementOptions = {},
): Promise<BenchmarkSummary> {
  await requireBenchmarkExecution(ctx, benchmarkExecutionUid);
  return summarizeBenchmarkExecution(ctx.db, benchmarkExecutionUid, options);
}
