/**
 * Agreement with ground truth of a benchmark execution, per evaluator and per (evaluator, slice), in one
 * streaming pass over PostgreSQL.
 */
import type { Db } from '../db/pool';
import { forEachAgreementRow } from '../db/agreement-rows';
import { AgreementAccumulator, type AgreementSummary } from './agreement';

export interface EvaluatorAgreement {
  evaluatorUid: number;
  overall: AgreementSummary;
  bySlice: Record<string, AgreementSummary>;
}

export interface BenchmarkSummary {
  evaluators: EvaluatorAgreement[];
}

export async function summarizeBenchmarkExecution(db: Db, benchmarkExecutionUid: number): Promise<BenchmarkSummary> {
  const { rows: evaluators } = await db.query<{ evaluatorUid: number; labelScores: number[]; slices: { uid: number; name: string }[] }>(
    `SELECT ev.uid AS "evaluatorUid",
            (SELECT array_agg(l.score ORDER BY l.score) FROM criteria_labels l WHERE l.criteria_uid = ev.criteria_uid) AS "labelScores",
            coalesce((SELECT json_agg(json_build_object('uid', s.uid, 'name', s.name) ORDER BY s.uid)
                        FROM slices s WHERE s.benchmark_uid = ev.benchmark_uid), '[]') AS slices
       FROM evaluators ev
      WHERE ev.uid IN (SELECT evaluator_uid FROM evaluator_executions WHERE benchmark_execution_uid = $1)
      ORDER BY ev.uid`,
    [benchmarkExecutionUid],
  );
  const accumulators = new Map(
    evaluators.map((e) => [
      e.evaluatorUid,
      {
        overall: new AgreementAccumulator(e.labelScores),
        bySlice: new Map(e.slices.map((s) => [s.uid, { name: s.name, acc: new AgreementAccumulator(e.labelScores) }])),
      },
    ]),
  );
  await forEachAgreementRow(db, benchmarkExecutionUid, (row) => {
    const acc = accumulators.get(row.evaluatorUid);
    if (!acc) return;
    acc.overall.add(row.score, row.truth, row.errored);
    for (const sliceUid of row.slices ?? []) acc.bySlice.get(sliceUid)?.acc.add(row.score, row.truth, row.errored);
  });
  return {
    evaluators: [...accumulators].map(([evaluatorUid, acc]) => ({
      evaluatorUid,
      overall: acc.overall.summary(),
      bySlice: Object.fromEntries([...acc.bySlice.values()].map((s) => [s.name, s.acc.summary()])),
    })),
  };
}
