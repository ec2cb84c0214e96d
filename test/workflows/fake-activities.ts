/**
 * In-memory stand-ins for the activities the execution workflows proxy, checked against the same activity contract
 * as the real ones (src/shared/activity-contract.ts): no PostgreSQL, no LLM. Every call is recorded so tests can
 * assert on it.
 */
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { RowStops } from '../../activities/row-stops';
import { ROW_CANCELLED_FAILURE } from '../../src/shared/row-errors';
import type { BenchmarkExecutionActivities, EvaluatorExecutionActivities } from '../../src/shared/activity-contract';
import type { BenchmarkChild } from '../../src/shared/benchmark-contract';
import type {
  DatapointPage,
  ExecutionPlan,
  JudgeDatapointParams,
  JudgeDatapointResult,
  RowErrorRecord,
  StoredExecutionStatus,
} from '../../src/shared/execution-contract';

export interface FakeExecution {
  /** Rows at positions 0..rows-1, with xUids `x<position>`. */
  rows: number;
  concurrency: number;
}

/**
 * How one judgeDatapoint attempt behaves; `attempt` is 1-based, `calls` is the fake's record (for untilCancelled).
 * Default: a score of position % 5 + 1.
 */
export type JudgeBehaviour = (
  p: JudgeDatapointParams,
  attempt: number,
  calls: FakeCalls,
) => Promise<JudgeDatapointResult>;

export interface FakeOptions {
  executions: Record<number, FakeExecution>;
  judge?: JudgeBehaviour;
  /** For the benchmark workflow. */
  benchmarkChildren?: BenchmarkChild[];
}

export interface FakeCalls {
  pages: { executionUid: number; afterPosition: number; limit: number }[];
  /** Every judgeDatapoint attempt, in start order. */
  judge: {
    executionUid: number;
    xUid: string;
    position: number;
    attempt: number;
    startedAt: number;
    priorAttempts?: number;
  }[];
  /** Attempts that returned a result (score or row error value). */
  judged: { executionUid: number; xUid: string }[];
  rowErrors: { executionUid: number; xUid: string; error: string }[];
  finished: { executionUid: number; status: StoredExecutionStatus; error?: string }[];
  benchmarkFinished: { benchmarkExecutionUid: number; status: StoredExecutionStatus; error?: string }[];
  /** judgeDatapoint attempts that saw their activity cancellation, or their execution stop. */
  cancelled: number;
  /** What the workflow's `rows` sink stops (register `stops.sinks()` on the worker). */
  stops: RowStops;
  inFlight: number;
  maxInFlight: number;
  /** Highest number of judgeDatapoint attempts in flight at once, per execution. */
  maxInFlightByExecution: Record<number, number>;
}

export const xUid = (position: number) => `x${position}`;

/**
 * Waits until the row's execution stops (as the real activity does for local rows: activities/row-stops.ts) or,
 * for a server-side activity, until it is cancelled (heartbeating so the cancellation reaches it), then fails.
 */
export async function untilCancelled(calls: FakeCalls, p: JudgeDatapointParams): Promise<never> {
  const ctx = Context.current();
  const row = calls.stops.track(p.executionUid, ctx.cancellationSignal);
  const beat = setInterval(() => {
    ctx.heartbeat();
  }, 100);
  try {
    await new Promise<void>((resolve) => {
      if (row.signal.aborted) resolve();
      row.signal.addEventListener('abort', () => {
        resolve();
      });
    });
    calls.cancelled += 1;
    if (row.stopped)
      throw ApplicationFailure.create({
        message: 'execution stopped',
        type: ROW_CANCELLED_FAILURE,
        nonRetryable: true,
      });
    throw row.signal.reason;
  } finally {
    row.done();
    clearInterval(beat);
  }
}

export function createFakeActivities(options: FakeOptions) {
  const calls: FakeCalls = {
    pages: [],
    judge: [],
    judged: [],
    rowErrors: [],
    finished: [],
    benchmarkFinished: [],
    cancelled: 0,
    stops: new RowStops(),
    inFlight: 0,
    maxInFlight: 0,
    maxInFlightByExecution: {},
  };
  const inFlightByExecution: Record<number, number> = {};
  const execution = (uid: number): FakeExecution => {
    const e = options.executions[uid];
    if (!e) throw new Error(`fake: unknown execution ${uid}`);
    return e;
  };
  const judge: JudgeBehaviour = options.judge ?? (async (p) => ({ xUid: p.xUid, score: (p.position % 5) + 1 }));

  const activities = {
    async loadExecutionPlan({ executionUid }: { executionUid: number }): Promise<ExecutionPlan> {
      const e = execution(executionUid);
      return {
        total: e.rows,
        concurrency: e.concurrency,
        maxConcurrency: 64,
        budget: {},
        rowEstimate: { tokens: 100, costUsd: null },
      };
    },

    async listDatapointPage(p: { executionUid: number; afterPosition: number; limit: number }): Promise<DatapointPage> {
      calls.pages.push({ ...p });
      const positions: number[] = [];
      for (let pos = p.afterPosition + 1; pos < execution(p.executionUid).rows && positions.length < p.limit; pos++) {
        positions.push(pos);
      }
      const more = (positions.at(-1) ?? p.afterPosition) + 1 < execution(p.executionUid).rows;
      return { xUids: positions.map(xUid), positions, more };
    },

    async judgeDatapoint(p: JudgeDatapointParams): Promise<JudgeDatapointResult> {
      const attempt = Context.current().info.attempt;
      calls.judge.push({ ...p, attempt, startedAt: Date.now() });
      const uid = p.executionUid;
      calls.inFlight += 1;
      const inFlightHere = (inFlightByExecution[uid] ?? 0) + 1;
      inFlightByExecution[uid] = inFlightHere;
      calls.maxInFlight = Math.max(calls.maxInFlight, calls.inFlight);
      calls.maxInFlightByExecution[uid] = Math.max(calls.maxInFlightByExecution[uid] ?? 0, inFlightHere);
      try {
        const result = await judge(p, attempt, calls);
        calls.judged.push({ executionUid: uid, xUid: p.xUid });
        return result;
      } finally {
        calls.inFlight -= 1;
        inFlightByExecution[uid] = (inFlightByExecution[uid] ?? 1) - 1;
      }
    },

    async recordRowErrors(p: { executionUid: number; errors: RowErrorRecord[] }): Promise<void> {
      for (const e of p.errors) calls.rowErrors.push({ executionUid: p.executionUid, ...e });
    },

    async recordRowError(p: { executionUid: number } & RowErrorRecord): Promise<void> {
      calls.rowErrors.push({ ...p });
    },

    async finishExecution(p: { executionUid: number; status: StoredExecutionStatus; error?: string }): Promise<void> {
      calls.finished.push({ ...p });
    },

    async planBenchmarkExecution(_: { benchmarkExecutionUid: number }): Promise<BenchmarkChild[]> {
      return options.benchmarkChildren ?? [];
    },

    async finishBenchmarkExecution(p: {
      benchmarkExecutionUid: number;
      status: StoredExecutionStatus;
      error?: string;
    }): Promise<void> {
      calls.benchmarkFinished.push({ ...p });
    },
  } satisfies EvaluatorExecutionActivities & BenchmarkExecutionActivities;
  return { activities, calls };
}
