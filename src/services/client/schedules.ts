/**
 * Benchmark schedules (`judgeflow schedule …`): a Temporal Schedule that starts `scheduledRunWorkflow`, which runs
 * the benchmark and gates the run. PostgreSQL holds what the schedule runs and how it is gated (checked here, as a
 * start and a gate check them), and every run's outcome; Temporal holds when it runs and whether it is paused. Runs
 * never overlap: a run due while the previous one is still going is skipped.
 */
import type { Client, ScheduleDescription, ScheduleHandle } from '@temporalio/client';
import { findBenchmarkExecution } from '../../db/benchmark-execution.repository';
import {
  findLastScheduleRun,
  findSchedule,
  insertSchedule,
  listScheduleRuns,
  listSchedules as listScheduleRecords,
  markScheduleDeleted,
  type ScheduleRecord,
  type ScheduleRunRecord,
} from '../../db/schedule.repository';
import { InvalidGateError, NotFoundError, UnavailableError, ValidationError } from '../../errors';
import type { GateThresholds } from '../../metrics/gate';
import { scheduledRunSearchAttributes } from '../../shared/search-attributes';
import { scheduleId as scheduleIdOf } from '../../shared/workflow-ids';
import { planBenchmarkExecutionRecord, type BenchmarkExecuteOptions } from '../common/benchmark-execution-records';
import { checkGateOptions } from '../common/gates';
import type { ServiceContext } from './context';

export type { ScheduleRunRecord } from '../../db/schedule.repository';

/** What each run executes: a benchmark execution's options (no name, no waiting). */
export type ScheduledExecuteOptions = Pick<
  BenchmarkExecuteOptions,
  'splits' | 'numRows' | 'concurrency' | 'evaluatorUids' | 'budget' | 'cache'
>;

/** A schedule's absolute thresholds; the regression check is `baseline`. */
export type ScheduleGate = Omit<GateThresholds, 'noSignificantRegression'>;

export interface ScheduleOptions {
  /** A cron expression (`0 3 * * *`: 03:00 UTC every day), in Temporal's cron syntax. Exactly one of cron, every. */
  cron?: string;
  /** An interval: a whole number with s, m, h or d (`30m`, `1d`). */
  every?: string;
  /** The benchmark execution each run starts. */
  execute?: ScheduledExecuteOptions;
  /** The gate each run is checked against (every evaluator the run ran, all rows). No thresholds: no gate. */
  gate?: ScheduleGate;
  /**
   * The regression check's baseline: `last-passing` (the schedule's latest run that passed its gate; the first run
   * has none, so its regression check is skipped and said so) or a benchmark execution uid. Default: no regression
   * check.
   */
  baseline?: 'last-passing' | number;
  /** Create it paused. */
  paused?: boolean;
}

export interface ScheduleInfo {
  scheduleUid: number;
  benchmarkUid: number;
  /** The Temporal Schedule's id (its page in the Web UI). */
  scheduleId: string;
  spec: { cron?: string; every?: string };
  executeOptions: ScheduledExecuteOptions;
  gate: ScheduleGate;
  baseline: 'last-passing' | number | null;
  createdBy: string;
  createdAt: Date;
  /** From Temporal. */
  paused: boolean;
  nextRunAt: Date | null;
  /** The latest run, if any. */
  lastRun: ScheduleRunRecord | null;
}

const EVERY = /^([1-9]\d{0,5})(s|m|h|d)$/;
/** Missed runs (the Temporal server was down) are taken back within this window after it returns, then skipped. */
const CATCHUP_WINDOW = '10 minutes';

export async function createSchedule(
  ctx: ServiceContext,
  benchmarkUid: number,
  options: ScheduleOptions,
): Promise<ScheduleInfo> {
  const spec = checkSpec(options);
  const execute = options.execute ?? {};
  // The options each run starts with, checked now as a start checks them (splits, rows, models, budget).
  const plan = await planBenchmarkExecutionRecord(ctx, benchmarkUid, execute);
  const { minAccuracy, minKappa, maxErrorRate } = options.gate ?? {};
  // Only the thresholds given: whatever else the object carries is not stored.
  const gate = Object.fromEntries(
    Object.entries({ minAccuracy, minKappa, maxErrorRate }).filter(([, v]) => v !== undefined),
  ) as ScheduleGate;
  const baseline = options.baseline;
  await checkBaseline(ctx, benchmarkUid, baseline);
  const hasThresholds = Object.keys(gate).length > 0;
  if (hasThresholds || baseline !== undefined)
    checkGateOptions({
      ...gate,
      // The uid checked above; last-passing resolves at each run.
      ...(baseline !== undefined && { noSignificantRegression: true, baseline: 0 }),
    });
  // Stored resolved, so every run uses what was checked (the budget and concurrency in force today).
  const executeOptions: ScheduledExecuteOptions = {
    ...execute,
    concurrency: plan.concurrency,
    budget: plan.budget,
    cache: plan.cache,
  };
  const record = await insertSchedule(ctx.db, {
    benchmarkUid,
    spec,
    executeOptions,
    gate,
    baseline: baseline === undefined ? 'none' : baseline === 'last-passing' ? 'last-passing' : 'fixed',
    baselineUid: typeof baseline === 'number' ? baseline : null,
    createdBy: ctx.config.user,
  });
  try {
    const client = await ctx.temporal();
    await client.schedule.create({
      scheduleId: scheduleIdOf(ctx.instanceId, benchmarkUid, record.uid),
      spec: spec.cron ? { cronExpressions: [spec.cron] } : { intervals: [{ every: spec.every! }] },
      action: {
        type: 'startWorkflow',
        workflowType: 'scheduledRunWorkflow',
        workflowId: scheduleIdOf(ctx.instanceId, benchmarkUid, record.uid),
        args: [{ scheduleUid: record.uid, instanceId: ctx.instanceId }],
        taskQueue: ctx.config.temporal.taskQueue,
        typedSearchAttributes: scheduledRunSearchAttributes(benchmarkUid),
        staticSummary: `Scheduled run of benchmark ${benchmarkUid} (schedule ${record.uid})`,
      },
      policies: { overlap: 'SKIP', catchupWindow: CATCHUP_WINDOW },
      state: { paused: options.paused ?? false, note: describeSchedule(record) },
    });
  } catch (err) {
    await markScheduleDeleted(ctx.db, record.uid);
    throw scheduleError(ctx, err, spec);
  }
  return describe(ctx, record);
}

/** Schedules not deleted (of one benchmark when given), oldest first, with Temporal's state of each. */
export async function listSchedules(ctx: ServiceContext, benchmarkUid?: number): Promise<ScheduleInfo[]> {
  const records = await listScheduleRecords(ctx.db, benchmarkUid);
  return Promise.all(records.map((r) => describe(ctx, r)));
}

export async function getSchedule(ctx: ServiceContext, scheduleUid: number): Promise<ScheduleInfo> {
  return describe(ctx, await requireSchedule(ctx, scheduleUid));
}

export async function pauseSchedule(ctx: ServiceContext, scheduleUid: number, note?: string): Promise<ScheduleInfo> {
  const record = await requireSchedule(ctx, scheduleUid);
  await (await handleOf(ctx, record)).pause(note ?? `paused by ${ctx.config.user}`);
  return describe(ctx, record);
}

export async function resumeSchedule(ctx: ServiceContext, scheduleUid: number, note?: string): Promise<ScheduleInfo> {
  const record = await requireSchedule(ctx, scheduleUid);
  await (await handleOf(ctx, record)).unpause(note ?? `resumed by ${ctx.config.user}`);
  return describe(ctx, record);
}

/** Starts a run now (skipped, like any other, while one is still going). */
export async function triggerSchedule(ctx: ServiceContext, scheduleUid: number): Promise<void> {
  const record = await requireSchedule(ctx, scheduleUid);
  await (await handleOf(ctx, record)).trigger('SKIP');
}

/** Deletes the Temporal Schedule (a run in progress goes on); the schedule's runs stay in PostgreSQL. */
export async function deleteSchedule(ctx: ServiceContext, scheduleUid: number): Promise<void> {
  const record = await requireSchedule(ctx, scheduleUid);
  const { ScheduleNotFoundError } = await import('@temporalio/client');
  try {
    await (await handleOf(ctx, record)).delete();
  } catch (err) {
    if (!(err instanceof ScheduleNotFoundError)) throw err;
  }
  await markScheduleDeleted(ctx.db, record.uid);
}

/** A schedule's runs, oldest first (also of a deleted schedule). */
export async function scheduleRuns(ctx: ServiceContext, scheduleUid: number): Promise<ScheduleRunRecord[]> {
  const record = await findSchedule(ctx.db, scheduleUid);
  if (!record) throw new NotFoundError('schedule', scheduleUid);
  return listScheduleRuns(ctx.db, scheduleUid);
}

function checkSpec(o: ScheduleOptions): { cron?: string; every?: string } {
  if ((o.cron === undefined) === (o.every === undefined))
    throw new ValidationError('a schedule needs exactly one of cron (e.g. "0 3 * * *") or every (e.g. "1h")');
  if (o.every !== undefined) {
    if (!EVERY.test(o.every))
      throw new ValidationError(
        `every ${JSON.stringify(o.every)} is not an interval: expected a whole number with s, m, h or d (e.g. "30m")`,
      );
    return { every: o.every };
  }
  const cron = o.cron!.trim();
  if (cron.length === 0 || cron.length > 200)
    throw new ValidationError(`cron ${JSON.stringify(o.cron)} is not a cron expression (e.g. "0 3 * * *")`);
  return { cron };
}

async function checkBaseline(ctx: ServiceContext, benchmarkUid: number, baseline: ScheduleOptions['baseline']) {
  if (baseline === undefined || baseline === 'last-passing') return;
  if (!Number.isSafeInteger(baseline) || baseline <= 0)
    throw new InvalidGateError(
      `baseline must be "last-passing" or a benchmark execution uid, got ${JSON.stringify(baseline)}`,
    );
  const execution = await findBenchmarkExecution(ctx.db, baseline);
  if (!execution) throw new NotFoundError('benchmark execution', baseline);
  if (execution.benchmarkUid !== benchmarkUid)
    throw new InvalidGateError(
      `baseline ${baseline} is an execution of benchmark ${execution.benchmarkUid}, not of benchmark ${benchmarkUid}`,
    );
}

/** Temporal's refusal of a spec is the user's error (a bad cron); anything else means Temporal is unavailable. */
function scheduleError(ctx: ServiceContext, err: unknown, spec: { cron?: string }): Error {
  const message = err instanceof Error ? err.message : String(err);
  // The SDK turns the server's "Invalid schedule spec" (INVALID_ARGUMENT) into a TypeError with its reason.
  if (err instanceof TypeError && spec.cron !== undefined)
    return new ValidationError(`cron ${JSON.stringify(spec.cron)} is not a valid cron expression: ${message}`);
  return new UnavailableError('Temporal', ctx.config.temporal.address, `creating the schedule failed: ${message}`, {
    cause: err,
  });
}

async function requireSchedule(ctx: ServiceContext, uid: number): Promise<ScheduleRecord> {
  const record = await findSchedule(ctx.db, uid);
  if (!record || record.deletedAt) throw new NotFoundError('schedule', uid, record ? 'it was deleted' : undefined);
  return record;
}

async function handleOf(ctx: ServiceContext, record: ScheduleRecord): Promise<ScheduleHandle> {
  const client: Client = await ctx.temporal();
  return client.schedule.getHandle(scheduleIdOf(ctx.instanceId, record.benchmarkUid, record.uid));
}

/** The record with Temporal's state (paused, next run) and its latest run. */
async function describe(ctx: ServiceContext, record: ScheduleRecord): Promise<ScheduleInfo> {
  let description: ScheduleDescription | undefined;
  try {
    description = await (await handleOf(ctx, record)).describe();
  } catch (err) {
    const { ScheduleNotFoundError } = await import('@temporalio/client');
    if (!(err instanceof ScheduleNotFoundError)) throw err;
  }
  const lastRun = await findLastScheduleRun(ctx.db, record.uid);
  return {
    scheduleUid: record.uid,
    benchmarkUid: record.benchmarkUid,
    scheduleId: scheduleIdOf(ctx.instanceId, record.benchmarkUid, record.uid),
    spec: record.spec,
    executeOptions: record.executeOptions,
    gate: record.gate,
    baseline: baselineOf(record),
    createdBy: record.createdBy,
    createdAt: record.createdAt,
    paused: description?.state.paused ?? false,
    nextRunAt: description?.info.nextActionTimes[0] ?? null,
    lastRun: lastRun ?? null,
  };
}

/** The Temporal Schedule's note (shown in the Web UI): what it runs and how it is gated. */
function describeSchedule(r: ScheduleRecord): string {
  const checks = gateChecks(r.gate, baselineOf(r));
  return (
    `judgeflow schedule ${r.uid}: runs benchmark ${r.benchmarkUid}` +
    (checks.length ? `, gated by ${checks.join(', ')}` : ', not gated')
  );
}

/** A schedule's gate in words, one check each (the Web UI's note, `schedule list`). */
export function gateChecks(gate: ScheduleGate, baseline: ScheduleInfo['baseline']): string[] {
  return [
    gate.minAccuracy !== undefined && `accuracy ≥ ${gate.minAccuracy}`,
    gate.minKappa !== undefined && `κ ≥ ${gate.minKappa}`,
    gate.maxErrorRate !== undefined && `errors ≤ ${gate.maxErrorRate}`,
    baseline === 'last-passing' && 'no regression vs last passing',
    typeof baseline === 'number' && `no regression vs ${baseline}`,
  ].filter((c): c is string => typeof c === 'string');
}

const baselineOf = (r: ScheduleRecord): ScheduleInfo['baseline'] =>
  r.baseline === 'none' ? null : r.baseline === 'fixed' ? r.baselineUid : 'last-passing';
