/** Agreement with ground truth of a benchmark execution, streamed from PostgreSQL into the pure summary builder. */
import { forEachAgreementRow, listAgreementEvaluators } from '../../db/agreement.repository';
import type { Db } from '../../db/pool';
import { BenchmarkSummaryBuilder, type BenchmarkSummary } from '../../metrics/benchmark-summary';

export async function summarizeBenchmarkExecution(db: Db, benchmarkExecutionUid: number): Promise<BenchmarkSummary> {
  const builder = new BenchmarkSummaryBuilder(await listAgreementEvaluators(db, benchmarkExecutionUid));
  await forEachAgreementRow(db, benchmarkExecutionUid, (row) => {
    builder.add(row);
  });
  return builder.summary();
}
