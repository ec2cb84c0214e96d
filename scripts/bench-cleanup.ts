/** Removes what a benchmark script created (benchmark, its dataset, prompt workflows), so benches leave no trace. */
import type { Db } from '../src/db/pool';

export async function deleteBenchmarkData(db: Db, benchmarkUid: number): Promise<void> {
  await db.withTransaction(async (q) => {
    const { rows } = await q.query<{ datasetUid: number; workflows: number[] | null }>(
      `SELECT dataset_uid AS "datasetUid",
              (SELECT array_agg(prompt_workflow_uid) FROM evaluators WHERE benchmark_uid = $1 AND prompt_workflow_uid IS NOT NULL) AS workflows
         FROM benchmarks WHERE uid = $1`,
      [benchmarkUid],
    );
    if (!rows[0]) return;
    await q.query(
      `DELETE FROM ground_truth WHERE criteria_uid IN (SELECT uid FROM criteria WHERE benchmark_uid = $1)`,
      [benchmarkUid],
    );
    await q.query(`DELETE FROM benchmarks WHERE uid = $1`, [benchmarkUid]);
    await q.query(`DELETE FROM prompt_workflows WHERE uid = ANY($1::int[])`, [rows[0].workflows ?? []]);
    await q.query(
      `DELETE FROM datasets WHERE uid = $1 AND NOT EXISTS (SELECT 1 FROM benchmarks WHERE dataset_uid = $1)`,
      [rows[0].datasetUid],
    );
  });
}
