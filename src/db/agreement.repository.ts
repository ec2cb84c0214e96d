/**
 * What agreement summaries read: the evaluators of a benchmark execution with their label scores and the
 * benchmark's slices, and a stream of, for a benchmark execution, one row per (evaluator, datapoint it was run on):
 * the predicted score, whether the row errored, the ground truth, the datapoint's slices and (when asked) its value
 * of a cluster column. Rows come in a fixed order, so a seeded bootstrap over them gives the same interval each time.
 */
import Cursor from 'pg-cursor';
import type { Db, Queryable } from './pool';

export interface AgreementEvaluator {
  evaluatorUid: number;
  labelScores: number[];
  slices: { uid: number; name: string }[];
}

/** The evaluators run by a benchmark execution, with their criteria's label scores and the benchmark's slices. */
export async function listAgreementEvaluators(
  q: Queryable,
  benchmarkExecutionUid: number,
): Promise<AgreementEvaluator[]> {
  const { rows } = await q.query<AgreementEvaluator>(
    `SELECT ev.uid AS "evaluatorUid",
            (SELECT array_agg(l.score ORDER BY l.score) FROM criteria_labels l WHERE l.criteria_uid = ev.criteria_uid) AS "labelScores",
            coalesce((SELECT json_agg(json_build_object('uid', s.uid, 'name', s.name) ORDER BY s.uid)
                        FROM slices s WHERE s.benchmark_uid = ev.benchmark_uid), '[]') AS slices
       FROM evaluators ev
      WHERE ev.uid IN (SELECT evaluator_uid FROM evaluator_executions WHERE benchmark_execution_uid = $1)
      ORDER BY ev.uid`,
    [benchmarkExecutionUid],
  );
  return rows;
}

export interface AgreementRow {
  evaluatorUid: number;
  score: number | null;
  errored: boolean;
  truth: number | null;
  slices: number[] | null;
  cluster: string | null;
}

// $2: the cluster column (null for none); its value as text, null where the row has none.
const agreementRowsSql = `
  SELECT e.evaluator_uid AS "evaluatorUid", r.score, (r.error IS NOT NULL) AS errored, g.score AS truth,
         CASE WHEN $2::text IS NULL THEN NULL ELSE d.data ->> $2::text END AS cluster,
         (SELECT array_agg(m.slice_uid ORDER BY m.slice_uid) FROM slice_members m JOIN slices s ON s.uid = m.slice_uid
           WHERE s.benchmark_uid = ev.benchmark_uid AND m.x_uid = d.x_uid) AS slices
    FROM evaluator_executions e
    JOIN evaluators ev ON ev.uid = e.evaluator_uid
    JOIN benchmarks b ON b.uid = ev.benchmark_uid
    JOIN datapoints d ON d.dataset_uid = b.dataset_uid AND d.split = e.split AND d.position <= e.last_position
     AND (e.x_uids IS NULL OR d.x_uid = ANY(e.x_uids))
    LEFT JOIN evaluator_results r ON r.execution_uid = e.uid AND r.x_uid = d.x_uid
    LEFT JOIN ground_truth g ON g.criteria_uid = ev.criteria_uid AND g.x_uid = d.x_uid
   WHERE e.benchmark_execution_uid = $1
   ORDER BY e.uid, d.position`;

/** Calls `onRow` for every row, reading through a cursor so memory stays flat. */
export async function forEachAgreementRow(
  db: Db,
  benchmarkExecutionUid: number,
  onRow: (row: AgreementRow) => void,
  options: { clusterColumn?: string | null; batchSize?: number } = {},
): Promise<void> {
  const batchSize = options.batchSize ?? 5_000;
  const client = await db.pool.connect();
  try {
    const cursor = client.query(
      new Cursor<AgreementRow>(agreementRowsSql, [benchmarkExecutionUid, options.clusterColumn ?? null]),
    );
    try {
      for (;;) {
        const rows = await cursor.read(batchSize);
        if (rows.length === 0) break;
        rows.forEach(onRow);
      }
    } finally {
      await cursor.close();
    }
  } finally {
    client.release();
  }
}

/** The user columns of the dataset a benchmark execution ran on (null when the execution does not exist). */
export async function datasetColumnsOfBenchmarkExecution(
  q: Queryable,
  benchmarkExecutionUid: number,
): Promise<string[] | null> {
  const { rows } = await q.query<{ columns: string[] }>(
    `SELECT ds.columns FROM benchmark_executions x
       JOIN benchmarks b ON b.uid = x.benchmark_uid JOIN datasets ds ON ds.uid = b.dataset_uid
      WHERE x.uid = $1`,
    [benchmarkExecutionUid],
  );
  return rows[0]?.columns ?? null;
}
