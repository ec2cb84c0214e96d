/** Agreement with ground truth of a benchmark execution, streamed from PostgreSQL into the pure summary builder. */
import {
  datasetColumnsOfBenchmarkExecution,
  forEachAgreementRow,
  listAgreementEvaluators,
} from '../../db/agreement.repository';
import type { Db } from '../../db/pool';
import { NotFoundError, UnknownColumnError, ValidationError } from '../../errors';
import type { AgreementOptions } from '../../metrics/agreement';
import { BenchmarkSummaryBuilder, type BenchmarkSummary } from '../../metrics/benchmark-summary';

export async function summarizeBenchmarkExecution(
  db: Db,
  benchmarkExecutionUid: number,
  options: AgreementOptions = {},
): Promise<BenchmarkSummary> {
  await checkAgreementOptions(db, benchmarkExecutionUid, options);
  const builder = new BenchmarkSummaryBuilder(await listAgreementEvaluators(db, benchmarkExecutionUid), options);
  await forEachAgreementRow(
    db,
    benchmarkExecutionUid,
    (row) => {
      builder.add(row);
    },
    {
      clusterColumn: options.clusterColumn,
    },
  );
  return builder.summary();
}

/** Bootstrap settings a caller may pass: whole resample counts, a seed, a level strictly between 0 and 1. */
async function checkAgreementOptions(db: Db, benchmarkExecutionUid: number, o: AgreementOptions): Promise<void> {
  if (o.resamples !== undefined && !(Number.isInteger(o.resamples) && o.resamples >= 100 && o.resamples <= 100_000))
    throw new ValidationError(`resamples must be a whole number from 100 to 100000, got ${String(o.resamples)}`);
  if (o.seed !== undefined && !Number.isSafeInteger(o.seed))
    throw new ValidationError(`seed must be a whole number, got ${String(o.seed)}`);
  if (o.level !== undefined && !(typeof o.level === 'number' && o.level > 0 && o.level < 1))
    throw new ValidationError(`level must be a number between 0 and 1 (e.g. 0.95), got ${String(o.level)}`);
  if (o.clusterColumn === undefined || o.clusterColumn === null) return;
  const columns = await datasetColumnsOfBenchmarkExecution(db, benchmarkExecutionUid);
  if (!columns) throw new NotFoundError('benchmark execution', benchmarkExecutionUid);
  if (!columns.includes(o.clusterColumn)) throw new UnknownColumnError(o.clusterColumn, columns, 'cluster column');
}
