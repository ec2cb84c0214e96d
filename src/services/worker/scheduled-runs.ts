/**
 * The worker-side steps of a scheduled run (workflows/scheduled-run.ts): record the run, record its benchmark
 * execution, and at the end gate it against the schedule's thresholds and baseline. Each step is idempotent, so a
 * retried activity never records a second run or a second execution.
 */
import { findBenchmarkExecution } from '../../db/benchmark-execution.repository';
import {
  findSchedule,
  findScheduleRun,
  finishScheduleRun,
  insertScheduleRun,
  lastPassingExecution,
  lockScheduleRun,
  setScheduleRunExecution,
  type ScheduleRecord,
  type ScheduleRunRecord,
} from '../../db/schedule.repository';
import { NotFoundError, ValidationError } from '../../errors';
import type { ScheduledRunOutcome, ScheduledRunStart } from '../../shared/schedule-contract';
import { recordBenchmarkExecution, type BenchmarkExecuteOptions } from '../common/benchmark-execution-records';
import type { StorageContext } from '../common/context';
import { gateBenchmarkExecution, type GateOptions } from '../common/gates';

/** The run of one scheduled workflow (by its id): recorded on the first call. */
export async function recordScheduledRun(
  ctx: StorageContext,
  p: { scheduleUid: number; workflowId: string },
): Promise<{ runUid: number }> {
  await requireSchedule(ctx, p.scheduleUid);
  const { run } = await insertScheduleRun(ctx.db, p);
  return { runUid: run.uid };
}

/** Records the run's benchmark execution (the schedule's options checked as a start checks them), once. */
export async function startScheduledRunExecution(
  ctx: StorageContext,
  p: { runUid: number },
): Promise<ScheduledRunStart> {
  return ctx.db.withTransaction(async (tx) => {
    // Under the run's row lock: a retry after a commit finds the execution the first try recorded.
    const run = await lockScheduleRun(tx, p.runUid);
    if (!run) throw new NotFoundError('scheduled run', p.runUid);
    let executionUid = run.benchmarkExecutionUid;
    if (executionUid === null) {
      const schedule = await requireSchedule(ctx, run.scheduleUid);
      const options = schedule.executeOptions as BenchmarkExecuteOptions;
      executionUid = (
        await recordBenchmarkExecution(
          { config: ctx.config, db: tx },
          schedule.benchmarkUid,
          { ...options, name: `Scheduled run ${run.uid} of schedule ${schedule.uid}` },
          scheduleAuthor(schedule),
        )
      ).uid;
      await setScheduleRunExecution(tx, run.uid, executionUid);
    }
    // What the child workflow needs, read from the record either way (first try or retry).
    const e = (await findBenchmarkExecution(tx, executionUid))!;
    return {
      benchmarkUid: e.benchmarkUid,
      benchmarkExecutionUid: e.uid,
      evaluatorUids: e.evaluatorUids ?? undefined,
      splits: e.splits,
      numRows: e.numRows ?? undefined,
    };
  });
}

/**
 * The run's end: a run whose execution did not complete (or could not start: `error`) fails without a gate; else
 * the gate is evaluated — the regression check against the baseline the schedule names (its last passing run, or
 * a fixed execution) — and stored. Recorded once; a retry returns what was recorded.
 */
export async function finishScheduledRun(
  ctx: StorageContext,
  p: { runUid: number; error?: string },
): Promise<ScheduledRunOutcome> {
  let run = await requireRun(ctx, p.runUid);
  if (run.endedAt === null) {
    const schedule = await requireSchedule(ctx, run.scheduleUid);
    const end = await gateRun(ctx, schedule, run, p.error);
    await finishScheduleRun(ctx.db, { runUid: run.uid, ...end });
    run = await requireRun(ctx, p.runUid);
  }
  return {
    runUid: run.uid,
    benchmarkExecutionUid: run.benchmarkExecutionUid,
    gateUid: run.gateUid,
    passed: run.passed,
    note: run.note,
  };
}

async function gateRun(
  ctx: StorageContext,
  schedule: ScheduleRecord,
  run: ScheduleRunRecord,
  error: string | undefined,
): Promise<{ gateUid: number | null; passed: boolean | null; note: string | null }> {
  const executionUid = run.benchmarkExecutionUid;
  const execution = executionUid === null ? undefined : await findBenchmarkExecution(ctx.db, executionUid);
  if (!execution || execution.status !== 'completed') {
    const why = execution
      ? `benchmark execution ${execution.uid} ${execution.status}${execution.error ? `: ${execution.error}` : ''}`
      : `no benchmark execution was started: ${error ?? 'unknown reason'}`;
    return { gateUid: null, passed: false, note: why };
  }
  const gate = schedule.gate as GateOptions;
  const baseline =
    schedule.baseline === 'fixed'
      ? (schedule.baselineUid ?? undefined)
      : schedule.baseline === 'last-passing'
        ? await lastPassingExecution(ctx.db, schedule.uid, run.uid)
        : undefined;
  const hasThresholds =
    gate.minAccuracy !== undefined || gate.minKappa !== undefined || gate.maxErrorRate !== undefined;
  const notes: string[] = [];
  if (schedule.baseline !== 'none' && baseline === undefined)
    notes.push(
      schedule.baseline === 'last-passing'
        ? 'no earlier passing run to compare with: the regression check starts with the next run'
        : 'the fixed baseline execution was deleted: no regression check',
    );
  if (!hasThresholds && baseline === undefined)
    return schedule.baseline === 'none'
      ? { gateUid: null, passed: null, note: 'the schedule has no gate' }
      : { gateUid: null, passed: true, note: notes.join('; ') };
  try {
    const result = await gateBenchmarkExecution(
      ctx,
      execution.uid,
      { ...gate, noSignificantRegression: baseline !== undefined, baseline },
      scheduleAuthor(schedule),
    );
    return { gateUid: result.gateUid, passed: result.passed, note: notes.length ? notes.join('; ') : null };
  } catch (err) {
    // E.g. a fixed baseline that shares no datapoint with this run: the run fails, saying why, instead of its
    // workflow failing with the run left unended.
    if (!(err instanceof ValidationError)) throw err;
    return { gateUid: null, passed: false, note: `the gate could not be evaluated: ${err.message}` };
  }
}

/** Who a scheduled run's records name: the schedule, and who made it. */
const scheduleAuthor = (s: ScheduleRecord) => `schedule ${s.uid} (${s.createdBy})`;

async function requireSchedule(ctx: StorageContext, uid: number): Promise<ScheduleRecord> {
  const schedule = await findSchedule(ctx.db, uid);
  if (!schedule) throw new NotFoundError('schedule', uid);
  return schedule;
}

async function requireRun(ctx: StorageContext, uid: number): Promise<ScheduleRunRecord> {
  const run = await findScheduleRun(ctx.db, uid);
  if (!run) throw new NotFoundError('scheduled run', uid);
  return run;
}
