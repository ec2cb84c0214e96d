/**
 * A benchmark on a schedule: a Temporal Schedule that runs the benchmark (cron or interval) and gates every run
 * against thresholds and a baseline, e.g. the last run that passed (docs/agreement.md, "Scheduled runs"). Runs never
 * overlap: one due while the previous is still going is skipped. Every run's outcome is kept in PostgreSQL.
 */
import { requireUid } from '../errors';
import {
  createSchedule,
  deleteSchedule,
  getSchedule,
  listSchedules,
  pauseSchedule,
  resumeSchedule,
  scheduleRuns,
  triggerSchedule,
  type ScheduleInfo,
  type ScheduleOptions,
  type ScheduleRunRecord,
} from '../services/client/schedules';
import { Judgeflow } from './Judgeflow';

export class BenchmarkSchedule {
  readonly scheduleUid: number;
  readonly benchmarkUid: number;
  /** What the Web UI's Schedules page lists it by. */
  readonly scheduleId: string;
  readonly spec: ScheduleInfo['spec'];
  readonly executeOptions: ScheduleInfo['executeOptions'];
  readonly gate: ScheduleInfo['gate'];
  readonly baseline: ScheduleInfo['baseline'];
  readonly createdBy: string;
  readonly createdAt: Date;
  /** As of when this object was read (Temporal's state). */
  readonly paused: boolean;
  readonly nextRunAt: Date | null;
  readonly lastRun: ScheduleRunRecord | null;

  /** The client this object was read with: a true private field, so no way of printing the object shows it. */
  readonly #client: Judgeflow;

  private constructor(client: Judgeflow, info: ScheduleInfo) {
    this.#client = client;
    this.scheduleUid = info.scheduleUid;
    this.benchmarkUid = info.benchmarkUid;
    this.scheduleId = info.scheduleId;
    this.spec = info.spec;
    this.executeOptions = info.executeOptions;
    this.gate = info.gate;
    this.baseline = info.baseline;
    this.createdBy = info.createdBy;
    this.createdAt = info.createdAt;
    this.paused = info.paused;
    this.nextRunAt = info.nextRunAt;
    this.lastRun = info.lastRun;
  }

  static async create(benchmarkUid: number, options: ScheduleOptions, client?: Judgeflow): Promise<BenchmarkSchedule> {
    requireUid('benchmarkUid', benchmarkUid);
    const jf = Judgeflow.resolve(client);
    return new BenchmarkSchedule(jf, await createSchedule(jf, benchmarkUid, options));
  }

  static async get(scheduleUid: number, client?: Judgeflow): Promise<BenchmarkSchedule> {
    requireUid('scheduleUid', scheduleUid);
    const jf = Judgeflow.resolve(client);
    return new BenchmarkSchedule(jf, await getSchedule(jf, scheduleUid));
  }

  /** Schedules not deleted, oldest first; of one benchmark when `benchmarkUid` is given. */
  static async list(benchmarkUid?: number, client?: Judgeflow): Promise<BenchmarkSchedule[]> {
    if (benchmarkUid !== undefined) requireUid('benchmarkUid', benchmarkUid);
    const jf = Judgeflow.resolve(client);
    return (await listSchedules(jf, benchmarkUid)).map((i) => new BenchmarkSchedule(jf, i));
  }

  async pause(note?: string): Promise<BenchmarkSchedule> {
    return new BenchmarkSchedule(this.#client, await pauseSchedule(this.#client, this.scheduleUid, note));
  }

  async resume(note?: string): Promise<BenchmarkSchedule> {
    return new BenchmarkSchedule(this.#client, await resumeSchedule(this.#client, this.scheduleUid, note));
  }

  /** Starts a run now; skipped while a run is still going. */
  trigger(): Promise<void> {
    return triggerSchedule(this.#client, this.scheduleUid);
  }

  /** Deletes the schedule (a run in progress finishes); its runs stay readable with `runs()`. */
  delete(): Promise<void> {
    return deleteSchedule(this.#client, this.scheduleUid);
  }

  /** Every run so far, oldest first: its benchmark execution, gate result, whether it passed, and why not. */
  runs(): Promise<ScheduleRunRecord[]> {
    return scheduleRuns(this.#client, this.scheduleUid);
  }

  /** The runs of a schedule, also of a deleted one. */
  static runs(scheduleUid: number, client?: Judgeflow): Promise<ScheduleRunRecord[]> {
    requireUid('scheduleUid', scheduleUid);
    return scheduleRuns(Judgeflow.resolve(client), scheduleUid);
  }

  /** What `JSON.stringify` shows: the fields above, never the client. */
  toJSON() {
    const { scheduleUid, benchmarkUid, scheduleId, spec, executeOptions, gate, baseline } = this;
    const { createdBy, createdAt, paused, nextRunAt, lastRun } = this;
    return {
      scheduleUid,
      benchmarkUid,
      scheduleId,
      spec,
      executeOptions,
      gate,
      baseline,
      createdBy,
      createdAt,
      paused,
      nextRunAt,
      lastRun,
    };
  }
}
