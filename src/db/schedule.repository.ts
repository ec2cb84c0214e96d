/** Benchmark schedules (`judgeflow schedule`) and the outcome of each of their runs. */
import type { Queryable } from './pool';

export type ScheduleBaseline = 'last-passing' | 'fixed' | 'none';

export interface ScheduleRecord {
  uid: number;
  benchmarkUid: number;
  spec: { cron?: string; every?: string };
  executeOptions: Record<string, unknown>;
  gate: Record<string, unknown>;
  baseline: ScheduleBaseline;
  baselineUid: number | null;
  createdBy: string;
  createdAt: Date;
  deletedAt: Date | null;
}

export interface ScheduleRunRecord {
  uid: number;
  scheduleUid: number;
  workflowId: string;
  benchmarkExecutionUid: number | null;
  gateUid: number | null;
  passed: boolean | null;
  note: string | null;
  startedAt: Date;
  endedAt: Date | null;
}

const scheduleColumns = `uid, benchmark_uid AS "benchmarkUid", spec, execute_options AS "executeOptions", gate,
       baseline, baseline_uid AS "baselineUid", created_by AS "createdBy", created_at AS "createdAt",
       deleted_at AS "deletedAt"`;

const runColumns = `uid, schedule_uid AS "scheduleUid", workflow_id AS "workflowId",
       benchmark_execution_uid AS "benchmarkExecutionUid", gate_uid AS "gateUid", passed, note,
       started_at AS "startedAt", ended_at AS "endedAt"`;

export async function insertSchedule(
  q: Queryable,
  s: Omit<ScheduleRecord, 'uid' | 'createdAt' | 'deletedAt'>,
): Promise<ScheduleRecord> {
  const { rows } = await q.query<ScheduleRecord>(
    `INSERT INTO benchmark_schedules (benchmark_uid, spec, execute_options, gate, baseline, baseline_uid, created_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING ${scheduleColumns}`,
    [
      s.benchmarkUid,
      JSON.stringify(s.spec),
      JSON.stringify(s.executeOptions),
      JSON.stringify(s.gate),
      s.baseline,
      s.baselineUid,
      s.createdBy,
    ],
  );
  return rows[0]!;
}

export async function findSchedule(q: Queryable, uid: number): Promise<ScheduleRecord | undefined> {
  const { rows } = await q.query<ScheduleRecord>(`SELECT ${scheduleColumns} FROM benchmark_schedules WHERE uid = $1`, [
    uid,
  ]);
  return rows[0];
}

/** Schedules not deleted, oldest first; of one benchmark when `benchmarkUid` is given. */
export async function listSchedules(q: Queryable, benchmarkUid?: number): Promise<ScheduleRecord[]> {
  const { rows } = await q.query<ScheduleRecord>(
    `SELECT ${scheduleColumns} FROM benchmark_schedules
      WHERE deleted_at IS NULL AND ($1::integer IS NULL OR benchmark_uid = $1) ORDER BY uid`,
    [benchmarkUid ?? null],
  );
  return rows;
}

export async function markScheduleDeleted(q: Queryable, uid: number): Promise<void> {
  await q.query('UPDATE benchmark_schedules SET deleted_at = now() WHERE uid = $1 AND deleted_at IS NULL', [uid]);
}

/** The run of a scheduled workflow, recorded once: a retry gets the row the first try made. */
export async function insertScheduleRun(
  q: Queryable,
  r: { scheduleUid: number; workflowId: string },
): Promise<{ run: ScheduleRunRecord; created: boolean }> {
  const inserted = await q.query<ScheduleRunRecord>(
    `INSERT INTO schedule_runs (schedule_uid, workflow_id) VALUES ($1, $2)
     ON CONFLICT (workflow_id) DO NOTHING RETURNING ${runColumns}`,
    [r.scheduleUid, r.workflowId],
  );
  if (inserted.rows[0]) return { run: inserted.rows[0], created: true };
  const { rows } = await q.query<ScheduleRunRecord>(`SELECT ${runColumns} FROM schedule_runs WHERE workflow_id = $1`, [
    r.workflowId,
  ]);
  return { run: rows[0]!, created: false };
}

export async function setScheduleRunExecution(q: Queryable, runUid: number, benchmarkExecutionUid: number) {
  await q.query('UPDATE schedule_runs SET benchmark_execution_uid = $2 WHERE uid = $1', [
    runUid,
    benchmarkExecutionUid,
  ]);
}

export async function findScheduleRun(q: Queryable, runUid: number): Promise<ScheduleRunRecord | undefined> {
  const { rows } = await q.query<ScheduleRunRecord>(`SELECT ${runColumns} FROM schedule_runs WHERE uid = $1`, [runUid]);
  return rows[0];
}

/** The run, locked until the transaction `q` ends. */
export async function lockScheduleRun(q: Queryable, runUid: number): Promise<ScheduleRunRecord | undefined> {
  const { rows } = await q.query<ScheduleRunRecord>(
    `SELECT ${runColumns} FROM schedule_runs WHERE uid = $1 FOR UPDATE`,
    [runUid],
  );
  return rows[0];
}

/** Records a run's end once; a second call (a retried activity) changes nothing. */
export async function finishScheduleRun(
  q: Queryable,
  r: { runUid: number; gateUid: number | null; passed: boolean | null; note: string | null },
): Promise<void> {
  await q.query(
    `UPDATE schedule_runs SET gate_uid = $2, passed = $3, note = $4, ended_at = now()
      WHERE uid = $1 AND ended_at IS NULL`,
    [r.runUid, r.gateUid, r.passed, r.note],
  );
}

/** A schedule's runs, oldest first. */
export async function listScheduleRuns(q: Queryable, scheduleUid: number): Promise<ScheduleRunRecord[]> {
  const { rows } = await q.query<ScheduleRunRecord>(
    `SELECT ${runColumns} FROM schedule_runs WHERE schedule_uid = $1 ORDER BY uid`,
    [scheduleUid],
  );
  return rows;
}

/** The schedule's latest run, if any. */
export async function findLastScheduleRun(q: Queryable, scheduleUid: number): Promise<ScheduleRunRecord | undefined> {
  const { rows } = await q.query<ScheduleRunRecord>(
    `SELECT ${runColumns} FROM schedule_runs WHERE schedule_uid = $1 ORDER BY uid DESC LIMIT 1`,
    [scheduleUid],
  );
  return rows[0];
}

/** The benchmark execution of the schedule's latest passing run before `beforeRunUid`, if any. */
export async function lastPassingExecution(
  q: Queryable,
  scheduleUid: number,
  beforeRunUid: number,
): Promise<number | undefined> {
  const { rows } = await q.query<{ uid: number }>(
    `SELECT benchmark_execution_uid AS uid FROM schedule_runs
      WHERE schedule_uid = $1 AND uid < $2 AND passed AND benchmark_execution_uid IS NOT NULL
      ORDER BY uid DESC LIMIT 1`,
    [scheduleUid, beforeRunUid],
  );
  return rows[0]?.uid;
}
