/** Stored gate outcomes (`judgeflow gate`): one row per evaluation of a benchmark execution's thresholds. */
import type { Queryable } from './pool';

export interface GateResultRecord {
  uid: number;
  benchmarkExecutionUid: number;
  baselineUid: number | null;
  thresholds: Record<string, unknown>;
  checks: unknown[];
  passed: boolean;
  createdBy: string;
  createdAt: Date;
}

const gateResultColumns = `uid, benchmark_execution_uid AS "benchmarkExecutionUid", baseline_uid AS "baselineUid",
       thresholds, checks, passed, created_by AS "createdBy", created_at AS "createdAt"`;

export async function insertGateResult(
  q: Queryable,
  r: Omit<GateResultRecord, 'uid' | 'createdAt'>,
): Promise<GateResultRecord> {
  const { rows } = await q.query<GateResultRecord>(
    `INSERT INTO gate_results (benchmark_execution_uid, baseline_uid, thresholds, checks, passed, created_by)
     VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${gateResultColumns}`,
    [
      r.benchmarkExecutionUid,
      r.baselineUid,
      JSON.stringify(r.thresholds),
      JSON.stringify(r.checks),
      r.passed,
      r.createdBy,
    ],
  );
  return rows[0]!;
}

/** A benchmark execution's gate results, oldest first. */
export async function listGateResults(q: Queryable, benchmarkExecutionUid: number): Promise<GateResultRecord[]> {
  const { rows } = await q.query<GateResultRecord>(
    `SELECT ${gateResultColumns} FROM gate_results WHERE benchmark_execution_uid = $1 ORDER BY uid`,
    [benchmarkExecutionUid],
  );
  return rows;
}
