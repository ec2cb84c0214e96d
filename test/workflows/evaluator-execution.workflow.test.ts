/**
 * Workflow logic of evaluator and benchmark executions, on a real local Temporal server with a real worker but
 * fake in-memory activities (test/workflows/fake-activities.ts): no PostgreSQL, no LLM.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { WorkflowFailedError, type WorkflowExecutionInfo, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure, CancelledFailure, defaultPayloadConverter } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import {
  bundleWorkflowCode,
  DefaultLogger,
  Runtime,
  Worker,
  type WorkflowBundleWithSourceMap,
} from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveTemporalCli } from '../../tools/temporal-cli';
import { ALL_SEARCH_ATTRIBUTES } from '../../src/shared/search-attributes';
import { WORKFLOWS_PATH } from '../../src/worker/workflows-path';
import { EXECUTION_WORKFLOW_TASK_TIMEOUT, ROW_MAX_ATTEMPTS } from '../../src/shared/execution-contract';
import { RATE_LIMITED_FAILURE, type DeferralDetails } from '../../src/shared/row-errors';
import type { BenchmarkChild } from '../../src/shared/benchmark-contract';
import { evaluatorExecutionWorkflowId } from '../../src/shared/workflow-ids';
import { evaluatorExecutionWorkflow } from '../../workflows/evaluator-execution';
import { benchmarkExecutionWorkflow } from '../../workflows/benchmark-execution';
import { benchmarkProgressQuery, cancelSignal, progressQuery, statusQuery } from '../../workflows/definitions';
import { waitUntil } from '../support/results';
import {
  createFakeActivities,
  untilCancelled,
  type FakeCalls,
  type FakeOptions,
  type JudgeBehaviour,
} from './fake-activities';

let env: TestWorkflowEnvironment;
let workflowBundle: WorkflowBundleWithSourceMap;

beforeAll(async () => {
  Runtime.install({
    logger: new DefaultLogger('ERROR'),
    // Core warns when a cancelled row activity reports back after its workflow closed: expected here.
    telemetryOptions: { logging: { filter: { core: 'ERROR', other: 'ERROR' } } },
  });
  env = await TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path: resolveTemporalCli() },
      searchAttributes: ALL_SEARCH_ATTRIBUTES,
      extraArgs: [
        ...['--log-level', 'error', '--dynamic-config-value', 'limit.historyCount.suggestContinueAsNew=300'],
        // The server otherwise delays each continue-as-new run's first workflow task by about 1 s.
        ...['--dynamic-config-value', 'history.workflowIdReuseMinimalInterval="0s"'],
      ],
    },
  });
  workflowBundle = await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: quietLogger });
});

afterAll(async () => {
  await env?.teardown();
});

const noop = () => {};
const quietLogger = { trace: noop, debug: noop, info: noop, warn: noop, error: console.error, log: noop };

// Execution uids are unique per test: benchmark children get workflow ids derived from them.
let lastUid = Math.floor(Math.random() * 1_000_000) * 100;
const nextUid = () => ++lastUid;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

const waitFor = (what: string, condition: () => boolean | Promise<boolean>) => waitUntil(what, condition, 10_000);

/** Runs `fn` while a worker with the given fake activities polls a fresh task queue. */
async function withWorker<T>(
  options: FakeOptions,
  fn: (ctx: { taskQueue: string; calls: FakeCalls }) => Promise<T>,
): Promise<T> {
  const { activities, calls } = createFakeActivities(options);
  const taskQueue = `wf-test-${randomUUID()}`;
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle,
    activities,
    sinks: calls.stops.sinks(),
    // Heartbeats reach the server (and cancellations come back) within a fraction of a second.
    maxHeartbeatThrottleInterval: '100 ms',
    defaultHeartbeatThrottleInterval: '100 ms',
  });
  const result = await worker.runUntil(fn({ taskQueue, calls }));
  await expectEveryRunReplays(taskQueue);
  return result;
}

/**
 * Replays every run the test started (benchmark children and continue-as-new runs included) with today's
 * workflow code: replay groups local activity results into activations differently from the live run, so this is
 * where a workflow that reacts to that grouping shows a nondeterminism error.
 */
async function expectEveryRunReplays(taskQueue: string): Promise<void> {
  const runs = env.client.workflow.list({ query: `TaskQueue = "${taskQueue}"` });
  let replayed = 0;
  for await (const { workflowId, error } of Worker.runReplayHistories({ workflowBundle }, runs.intoHistories())) {
    replayed += 1;
    if (error) throw new Error(`replaying ${workflowId} failed: ${error.message}`, { cause: error });
  }
  expect(replayed).toBeGreaterThan(0);
}

const startExecution = (taskQueue: string, executionUid: number, pageSize?: number) =>
  env.client.workflow.start(evaluatorExecutionWorkflow, {
    taskQueue,
    workflowId: `wf-test-execution-${executionUid}-${randomUUID()}`,
    args: [pageSize === undefined ? { executionUid } : { executionUid, pageSize }],
    // As the service starts them (see EXECUTION_WORKFLOW_TASK_TIMEOUT).
    workflowTaskTimeout: EXECUTION_WORKFLOW_TASK_TIMEOUT,
  });

const positions = (n: number) => Array.from({ length: n }, (_, i) => i);
const sortedJudged = (calls: FakeCalls, executionUid?: number) =>
  calls.judged
    .filter((j) => executionUid === undefined || j.executionUid === executionUid)
    .map((j) => Number(j.xUid.slice(1)))
    .sort((a, b) => a - b);

async function listRuns(workflowId: string): Promise<WorkflowExecutionInfo[]> {
  const runs: WorkflowExecutionInfo[] = [];
  for await (const run of env.client.workflow.list({ query: `WorkflowId = '${workflowId}'` })) runs.push(run);
  return runs;
}

/** The failure judgeDatapoint throws when the provider rate-limits a call. */
function rateLimited(p: { xUid: string }, retryAfterMs: number, attempt = 1): ApplicationFailure {
  const details: DeferralDetails = { attempt, retryAfterMs };
  return ApplicationFailure.create({
    message: `rate limited (429): ${p.xUid}`,
    type: RATE_LIMITED_FAILURE,
    details: [details],
  });
}

/** A worker whose rows 0 and 1 are scored at once, while every later row hangs until its activity is cancelled. */
function withHangingRows<T>(
  executionUid: number,
  rows: number,
  concurrency: number,
  fn: (ctx: { taskQueue: string; calls: FakeCalls }) => Promise<T>,
): Promise<T> {
  const options: FakeOptions = {
    executions: { [executionUid]: { rows, concurrency } },
    judge: async (p, _attempt, calls) =>
      p.position < 2 ? { xUid: p.xUid, score: p.position + 1 } : untilCancelled(calls, p),
  };
  return withWorker(options, fn);
}

describe('evaluator execution workflow', () => {
  it('completes: judges every row exactly once, at most `concurrency` at a time, and records completed', async () => {
    const uid = nextUid();
    const options: FakeOptions = {
      executions: { [uid]: { rows: 25, concurrency: 4 } },
      judge: async (p) => {
        await sleep(100);
        return { xUid: p.xUid, score: (p.position % 5) + 1 };
      },
    };
    await withWorker(options, async ({ taskQueue, calls }) => {
      const handle = await startExecution(taskQueue, uid);
      expect(await handle.result()).toEqual({ executionUid: uid, status: 'completed', done: 25, errors: 0 });
      expect(sortedJudged(calls)).toEqual(positions(25));
      expect(calls.judge).toHaveLength(25);
      expect(calls.judge.every((j) => j.attempt === 1)).toBe(true);
      expect(calls.maxInFlight).toBe(4);
      expect(calls.pages).toEqual([{ executionUid: uid, afterPosition: -1, limit: 1000 }]);
      expect(calls.finished).toEqual([{ executionUid: uid, status: 'completed' }]);
      expect(calls.rowErrors).toEqual([]);
      const progress = await handle.query(progressQuery);
      expect(progress).toMatchObject({ status: 'completed', total: 25, done: 25, errors: 0, inFlight: 0, run: 1 });
      expect(progress.histogram).toEqual({ 1: 5, 2: 5, 3: 5, 4: 5, 5: 5 });
      expect(progress.recent).toHaveLength(20);
    });
  });

  it('continues-as-new after each page and carries its counters across runs', async () => {
    const uid = nextUid();
    await withWorker({ executions: { [uid]: { rows: 25, concurrency: 4 } } }, async ({ taskQueue, calls }) => {
      const handle = await startExecution(taskQueue, uid, 10);
      expect(await handle.result()).toEqual({ executionUid: uid, status: 'completed', done: 25, errors: 0 });
      expect(calls.pages.map((p) => [p.afterPosition, p.limit])).toEqual([
        [-1, 10],
        [9, 10],
        [19, 10],
      ]);
      expect(sortedJudged(calls)).toEqual(positions(25));
      expect(calls.judge).toHaveLength(25);
      expect(calls.finished).toEqual([{ executionUid: uid, status: 'completed' }]);
      const progress = await handle.query(progressQuery);
      expect(progress).toMatchObject({ run: 3, done: 25, total: 25 });
      expect(progress.histogram).toEqual({ 1: 5, 2: 5, 3: 5, 4: 5, 5: 5 });
      // Visibility is eventually consistent.
      await waitFor('visibility lists 3 runs', async () => (await listRuns(handle.workflowId)).length === 3);
      const statuses = (await listRuns(handle.workflowId)).map((r) => r.status.name).sort();
      expect(statuses).toEqual(['COMPLETED', 'CONTINUED_AS_NEW', 'CONTINUED_AS_NEW']);
    });
  });

  it('an execution of exactly k pages takes k runs, not one more to find an empty page', async () => {
    const uid = nextUid();
    await withWorker({ executions: { [uid]: { rows: 20, concurrency: 4 } } }, async ({ taskQueue, calls }) => {
      const handle = await startExecution(taskQueue, uid, 10);
      expect(await handle.result()).toEqual({ executionUid: uid, status: 'completed', done: 20, errors: 0 });
      expect(calls.pages.map((p) => [p.afterPosition, p.limit])).toEqual([
        [-1, 10],
        [9, 10],
      ]);
      expect((await handle.query(progressQuery)).run).toBe(2);
    });
  });

  it('continues-as-new mid-page when Temporal suggests it (history over 300 events)', async () => {
    const uid = nextUid();
    // About one event per row (a local activity's marker), and Temporal's suggestion arrives with a workflow task:
    // rows slow enough to span a few workflow tasks (one each EXECUTION_WORKFLOW_TASK_TIMEOUT × 0.8).
    const rows = 900;
    const judge: JudgeBehaviour = async (p) => {
      await sleep(50);
      return { xUid: p.xUid, score: 1 };
    };
    await withWorker({ executions: { [uid]: { rows, concurrency: 20 } }, judge }, async ({ taskQueue, calls }) => {
      const handle = await startExecution(taskQueue, uid);
      expect(await handle.result()).toEqual({ executionUid: uid, status: 'completed', done: rows, errors: 0 });
      // Every row is judged. A workflow task that misses its deadline on a loaded machine runs again, with the local
      // activities it had completed (Temporal records their markers only when the task completes): in production a
      // row run again finds its stored result (activities/stored-outcomes.ts), so nothing is paid twice; this fake
      // judge counts every run. Exactly one run per row on a quiet worker: the first test.
      expect([...new Set(sortedJudged(calls))]).toEqual(positions(rows));
      expect(calls.judge.length).toBeGreaterThanOrEqual(rows);
      expect(calls.pages.length).toBeGreaterThanOrEqual(2);
      expect(calls.pages[0]!.afterPosition).toBe(-1);
      // Each later run starts right after the last row the previous run started.
      for (let i = 1; i < calls.pages.length; i++) {
        expect(calls.pages[i]!.afterPosition).toBeGreaterThan(calls.pages[i - 1]!.afterPosition);
      }
      expect((await handle.query(progressQuery)).run).toBe(calls.pages.length);
      expect(calls.finished).toEqual([{ executionUid: uid, status: 'completed' }]);
    });
  });

  it('fails fast on a fatal (non-retryable) model error, without a retry storm', async () => {
    const uid = nextUid();
    const options: FakeOptions = {
      executions: { [uid]: { rows: 20, concurrency: 4 } },
      judge: async () => {
        throw ApplicationFailure.nonRetryable('bad key', 'LlmFatalError');
      },
    };
    await withWorker(options, async ({ taskQueue, calls }) => {
      const handle = await startExecution(taskQueue, uid);
      const err = await handle.result().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(WorkflowFailedError);
      const cause = (err as WorkflowFailedError).cause;
      expect(cause).toBeInstanceOf(ApplicationFailure);
      expect((cause as ApplicationFailure).type).toBe('ExecutionFailed');
      expect((cause as ApplicationFailure).message).toBe('bad key');
      expect(calls.finished).toEqual([{ executionUid: uid, status: 'failed', error: 'bad key' }]);
      expect(calls.judge.length).toBeGreaterThanOrEqual(1);
      expect(calls.judge.length).toBeLessThanOrEqual(4);
      expect(calls.judge.every((j) => j.attempt === 1)).toBe(true);
      expect(calls.rowErrors).toEqual([]);
      expect((await handle.describe()).status.name).toBe('FAILED');
    });
  });

  it(`records a row error after ${ROW_MAX_ATTEMPTS} failed attempts and goes on with the other rows`, async () => {
    const uid = nextUid();
    const options: FakeOptions = {
      executions: { [uid]: { rows: 10, concurrency: 3 } },
      judge: async (p) => {
        if (p.position === 3) {
          // Retryable; nextRetryDelay replaces the workflow's 1 s x2 backoff (1 + 2 + 4 + 8 s) with ~1 s per retry.
          throw ApplicationFailure.create({
            message: 'model overloaded',
            type: 'LlmServerError',
            nextRetryDelay: '10 ms',
          });
        }
        return { xUid: p.xUid, score: (p.position % 5) + 1 };
      },
    };
    await withWorker(options, async ({ taskQueue, calls }) => {
      const handle = await startExecution(taskQueue, uid);
      expect(await handle.result()).toEqual({ executionUid: uid, status: 'completed', done: 10, errors: 1 });
      const attempts = calls.judge.filter((j) => j.position === 3).map((j) => j.attempt);
      expect(attempts).toEqual([1, 2, 3, 4, 5].slice(0, ROW_MAX_ATTEMPTS));
      // The dev server still spaces these retries about 1 s apart: ~4 s instead of 15 s.
      const started = calls.judge.filter((j) => j.position === 3).map((j) => j.startedAt);
      expect(started.at(-1)! - started[0]!).toBeLessThan(10_000);
      expect(calls.rowErrors).toEqual([
        { executionUid: uid, xUid: 'x3', errorKind: 'provider', error: 'model overloaded' },
      ]);
      expect(sortedJudged(calls)).toEqual([0, 1, 2, 4, 5, 6, 7, 8, 9]);
      expect(calls.finished).toEqual([{ executionUid: uid, status: 'completed' }]);
      const progress = await handle.query(progressQuery);
      expect(progress.histogram).toEqual({ 1: 2, 2: 2, 3: 2, 4: 1, 5: 2 });
      expect(progress.recent).toContainEqual({ xUid: 'x3', error: 'model overloaded', errorKind: 'provider' });
      expect(progress.errorsByKind).toEqual({ provider: 1 });
    });
  });

  // Regression (a CI run): a query after the end replays the history, and replay hands a row's failure to the
  // workflow in one activation with the success before it, which came alone when the history was written. The
  // row error's activity then took the sequence number of the next row's local activity: "Missing associated
  // machine for LocalActivity(n)". Row 0 succeeds at once, row 1 fails a little later, the rest come slowly, so
  // the two results are adjacent markers, resolved together on replay.
  it('a row error among successes replays: its record does not shift the rows after it', async () => {
    const uid = nextUid();
    const options: FakeOptions = {
      executions: { [uid]: { rows: 6, concurrency: 2 } },
      judge: async (p) => {
        if (p.position === 1) {
          await sleep(50);
          throw ApplicationFailure.create({
            message: 'model overloaded',
            type: 'LlmServerError',
            nextRetryDelay: '10 ms',
          });
        }
        if (p.position > 1) await sleep(300);
        return { xUid: p.xUid, score: 3 };
      },
    };
    await withWorker(options, async ({ taskQueue, calls }) => {
      const handle = await startExecution(taskQueue, uid);
      expect(await handle.result()).toEqual({ executionUid: uid, status: 'completed', done: 6, errors: 1 });
      expect(calls.rowErrors).toMatchObject([{ executionUid: uid, xUid: 'x1', error: 'model overloaded' }]);
      await Worker.runReplayHistory({ workflowBundle }, await handle.fetchHistory(), handle.workflowId);
      expect((await handle.query(progressQuery)).errorsByKind).toEqual({ provider: 1 });
    });
  });

  it('rate limits cost no attempt and no row: the rows wait, retry and are all scored', async () => {
    const uid = nextUid();
    let rateLimits = 12;
    const options: FakeOptions = {
      executions: { [uid]: { rows: 20, concurrency: 8 } },
      judge: async (p) => {
        if (rateLimits-- > 0) throw rateLimited(p, 50);
        return { xUid: p.xUid, score: 1 };
      },
    };
    await withWorker(options, async ({ taskQueue, calls }) => {
      const handle = await startExecution(taskQueue, uid);
      expect(await handle.result()).toEqual({ executionUid: uid, status: 'completed', done: 20, errors: 0 });
      expect(calls.rowErrors).toEqual([]);
      expect(sortedJudged(calls)).toEqual(positions(20));
      // Each rate-limited call was a new activity at attempt 1: no attempt was spent on it.
      expect(calls.judge.every((j) => j.attempt === 1)).toBe(true);
      expect(calls.judge).toHaveLength(20 + 12);
      const progress = await handle.query(progressQuery);
      expect(progress.rateLimited).toBe(12);
      expect(progress.errorsByKind).toEqual({});
    });
  });

  it('halves the window on a rate limit and grows it back on successes (AIMD)', async () => {
    const uid = nextUid();
    const told = new Set<number>();
    // Calls in flight (this one included) at each start after the first rate limit: the window at work. (Queries
    // are answered only between workflow tasks, too seldom to catch the dip.)
    const inFlightAfterBurst: number[] = [];
    const options: FakeOptions = {
      executions: { [uid]: { rows: 40, concurrency: 8 } },
      judge: async (p, _attempt, calls) => {
        if (told.size > 0) inFlightAfterBurst.push(calls.inFlight);
        // Fast rows before the burst; the burst's calls take longer, so every row before them has finished (and
        // been counted by the workflow) before the first rate limit, even on a loaded machine (a CI run here saw
        // rows admitted under the old window when the two were 30 ms apart); slow rows after it, so the window grows
        // back slowly enough to be watched.
        await sleep(p.position < 8 ? 30 : p.position < 16 ? 200 : 300);
        // One burst: the first calls of rows 8..15 are told to wait 300 ms.
        if (p.position >= 8 && p.position < 16 && !told.has(p.position)) {
          told.add(p.position);
          throw rateLimited(p, 300);
        }
        return { xUid: p.xUid, score: 1 };
      },
    };
    await withWorker(options, async ({ taskQueue, calls }) => {
      const handle = await startExecution(taskQueue, uid);
      expect(await handle.result()).toMatchObject({ status: 'completed', done: 40, errors: 0 });
      // One episode halves once, however many calls of the burst were rate-limited: 8 → 4, never lower.
      expect(Math.max(...inFlightAfterBurst.slice(0, 4))).toBeLessThanOrEqual(4);
      // Then successes grow it back.
      expect(Math.max(...inFlightAfterBurst)).toBeGreaterThan(4);
      const progress = await handle.query(progressQuery);
      expect(progress.rateLimited).toBe(8);
      expect(progress.concurrency.effective).toBeGreaterThan(4);
      expect(calls.maxInFlight).toBeLessThanOrEqual(8);
    });
  });

  it('attempts spent on real failures before a rate limit still count towards the row', async () => {
    const uid = nextUid();
    const options: FakeOptions = {
      executions: { [uid]: { rows: 3, concurrency: 3 } },
      judge: async (p, attempt) => {
        if (p.position !== 1) return { xUid: p.xUid, score: 1 };
        // Two real failures, then a rate limit, then real failures until the row's attempts are spent.
        if ((p.priorAttempts ?? 0) === 0 && attempt === 3) throw rateLimited(p, 10, attempt);
        throw ApplicationFailure.create({ message: 'upstream broke', type: 'LlmTransientError', nextRetryDelay: 10 });
      },
    };
    await withWorker(options, async ({ taskQueue, calls }) => {
      const handle = await startExecution(taskQueue, uid);
      expect(await handle.result()).toMatchObject({ status: 'completed', done: 3, errors: 1 });
      const row = calls.judge.filter((j) => j.position === 1);
      // 2 failures + the rate limit in the first activity, then ROW_MAX_ATTEMPTS - 2 more failures.
      expect(row.map((j) => [j.priorAttempts ?? 0, j.attempt])).toEqual([
        [0, 1],
        [0, 2],
        [0, 3],
        ...Array.from({ length: ROW_MAX_ATTEMPTS - 2 }, (_, i) => [2, i + 1]),
      ]);
      expect(calls.rowErrors).toMatchObject([{ xUid: 'x1', errorKind: 'provider' }]);
    });
  });

  it('tells the story in the Web UI: progress as current details, each row activity named by its datapoint', async () => {
    const uid = nextUid();
    await withWorker({ executions: { [uid]: { rows: 6, concurrency: 2 } } }, async ({ taskQueue }) => {
      const handle = await startExecution(taskQueue, uid);
      await handle.result();
      const metadata = await handle.query<{ currentDetails?: string }>('__temporal_workflow_metadata');
      expect(metadata.currentDetails).toBe('**completed** · 6 / 6 rows judged · 0 errors · window 2/2 · 0 tokens');
      const { events } = await handle.fetchHistory();
      // Rows are local activities: one marker each, with its summary.
      const summaries = (events ?? [])
        .filter((e) => e.markerRecordedEventAttributes?.markerName === 'core_local_activity')
        .map((e) => defaultPayloadConverter.fromPayload<string>(e.userMetadata!.summary!))
        .sort();
      expect(summaries).toEqual(positions(6).map((p) => `judge datapoint x${p}`));
    });
  });

  it('completes at once when the dataset is empty', async () => {
    const uid = nextUid();
    await withWorker({ executions: { [uid]: { rows: 0, concurrency: 4 } } }, async ({ taskQueue, calls }) => {
      const handle = await startExecution(taskQueue, uid);
      expect(await handle.result()).toEqual({ executionUid: uid, status: 'completed', done: 0, errors: 0 });
      expect(calls.pages).toHaveLength(1);
      expect(calls.judge).toEqual([]);
      expect(calls.finished).toEqual([{ executionUid: uid, status: 'completed' }]);
    });
  });

  it('a cancel signal that arrives with the start judges nothing and records cancelled', async () => {
    const uid = nextUid();
    await withWorker({ executions: { [uid]: { rows: 10, concurrency: 4 } } }, async ({ taskQueue, calls }) => {
      const handle = await env.client.workflow.signalWithStart(evaluatorExecutionWorkflow, {
        taskQueue,
        workflowId: `wf-test-execution-${uid}-${randomUUID()}`,
        args: [{ executionUid: uid }],
        signal: cancelSignal,
        signalArgs: [{ reason: 'changed my mind' }],
      });
      expect(await handle.result()).toEqual({
        executionUid: uid,
        status: 'cancelled',
        done: 0,
        errors: 0,
        reason: 'changed my mind',
      });
      expect(calls.pages).toEqual([]);
      expect(calls.judge).toEqual([]);
      expect(calls.finished).toEqual([{ executionUid: uid, status: 'cancelled', error: 'changed my mind' }]);
    });
  });

  it('reports progress while running', async () => {
    const uid = nextUid();
    await withHangingRows(uid, 10, 3, async ({ taskQueue, calls }) => {
      const handle = await startExecution(taskQueue, uid);
      await waitFor('2 rows done and 3 in flight', () => calls.judged.length === 2 && calls.inFlight === 3);
      const progress = await handle.query(progressQuery);
      expect(progress).toMatchObject({
        executionUid: uid,
        status: 'running',
        total: 10,
        done: 2,
        errors: 0,
        inFlight: 3,
        run: 1,
        histogram: { 1: 1, 2: 1 },
      });
      expect(progress.reason).toBeUndefined();
      expect([...progress.recent].sort((a, b) => a.xUid.localeCompare(b.xUid))).toEqual([
        { xUid: 'x0', score: 1 },
        { xUid: 'x1', score: 2 },
      ]);
      expect(await handle.query(statusQuery)).toBe('running');
      await handle.signal(cancelSignal);
      expect(await handle.result()).toMatchObject({ status: 'cancelled', done: 2, reason: 'cancelled by user' });
      await waitFor('the 3 hanging rows saw their cancellation', () => calls.cancelled === 3);
    });
  });

  it('the cancel signal stops scheduling, cancels in-flight rows, keeps results and records cancelled', async () => {
    const uid = nextUid();
    await withHangingRows(uid, 20, 4, async ({ taskQueue, calls }) => {
      const handle = await startExecution(taskQueue, uid);
      await waitFor('2 rows done and 4 in flight', () => calls.judged.length === 2 && calls.inFlight === 4);
      await handle.signal(cancelSignal, { reason: 'stop please' });
      expect(await handle.result()).toEqual({
        executionUid: uid,
        status: 'cancelled',
        done: 2,
        errors: 0,
        reason: 'stop please',
      });
      expect(calls.finished).toEqual([{ executionUid: uid, status: 'cancelled', error: 'stop please' }]);
      await waitFor('the 4 in-flight rows saw their cancellation', () => calls.cancelled === 4);
      // Past the retry interval: nothing new starts, cancelled rows are not retried nor recorded as row errors.
      await sleep(1200);
      expect(calls.judge.map((j) => j.position).sort((a, b) => a - b)).toEqual(positions(6));
      expect(calls.rowErrors).toEqual([]);
      expect(calls.inFlight).toBe(0);
      expect((await handle.describe()).status.name).toBe('COMPLETED');
    });
  });

  it("Temporal's own cancel ends the workflow CANCELLED and records cancelled", async () => {
    const uid = nextUid();
    await withHangingRows(uid, 20, 4, async ({ taskQueue, calls }) => {
      const handle = await startExecution(taskQueue, uid);
      await waitFor('2 rows done and 4 in flight', () => calls.judged.length === 2 && calls.inFlight === 4);
      await handle.cancel();
      const err = await handle.result().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(WorkflowFailedError);
      expect((err as WorkflowFailedError).cause).toBeInstanceOf(CancelledFailure);
      expect((await handle.describe()).status.name).toBe('CANCELLED');
      expect(calls.finished).toEqual([{ executionUid: uid, status: 'cancelled', error: 'cancelled through Temporal' }]);
      await waitFor('the 4 in-flight rows saw their cancellation', () => calls.cancelled === 4);
      expect(calls.judge).toHaveLength(6);
      expect(calls.rowErrors).toEqual([]);
      expect(await handle.query(progressQuery)).toMatchObject({ status: 'cancelled', done: 2, inFlight: 0 });
    });
  });
});

describe('benchmark execution workflow', () => {
  const children = (): BenchmarkChild[] => [
    { evaluatorUid: 1, benchmarkUid: 7, executionUid: nextUid(), split: 'test', totalRows: 6 },
    { evaluatorUid: 2, benchmarkUid: 7, executionUid: nextUid(), split: 'test', totalRows: 9 },
  ];
  const fakeOptions = (kids: BenchmarkChild[], judge?: FakeOptions['judge']): FakeOptions => ({
    executions: Object.fromEntries(kids.map((c, i) => [c.executionUid, { rows: c.totalRows, concurrency: i + 2 }])),
    benchmarkChildren: kids,
    judge,
  });
  // The judgeflow instance of the benchmark's workflow id, which its children's ids must carry too.
  const INSTANCE = 'c0ffee01';
  const startBenchmark = (taskQueue: string, pageSize?: number) =>
    env.client.workflow.start(benchmarkExecutionWorkflow, {
      taskQueue,
      workflowId: `wf-test-benchmark-${randomUUID()}@${INSTANCE}`,
      args: [{ benchmarkExecutionUid: nextUid(), pageSize }],
    });

  it('runs every evaluator execution as a child and records completed', async () => {
    const kids = children();
    const [a, b] = kids as [BenchmarkChild, BenchmarkChild];
    await withWorker(fakeOptions(kids), async ({ taskQueue, calls }) => {
      const handle = await startBenchmark(taskQueue, 4);
      const outcome = await handle.result();
      expect(outcome.status).toBe('completed');
      expect(outcome.reason).toBeUndefined();
      expect(outcome.children).toEqual([
        { ...a, status: 'completed' },
        { ...b, status: 'completed' },
      ]);
      expect(calls.benchmarkFinished).toEqual([
        { benchmarkExecutionUid: outcome.benchmarkExecutionUid, status: 'completed' },
      ]);
      expect(calls.finished).toHaveLength(2);
      expect(calls.finished).toEqual(
        expect.arrayContaining([
          { executionUid: a.executionUid, status: 'completed' },
          { executionUid: b.executionUid, status: 'completed' },
        ]),
      );
      expect(sortedJudged(calls, a.executionUid)).toEqual(positions(6));
      expect(sortedJudged(calls, b.executionUid)).toEqual(positions(9));
      expect(calls.maxInFlightByExecution[a.executionUid]).toBeLessThanOrEqual(2);
      expect(calls.maxInFlightByExecution[b.executionUid]).toBeLessThanOrEqual(3);
      // pageSize reaches the children: 6 rows in pages of 4 -> 2 runs, 9 rows -> 3 runs.
      expect(calls.pages.filter((p) => p.executionUid === a.executionUid).map((p) => p.afterPosition)).toEqual([-1, 3]);
      expect(calls.pages.filter((p) => p.executionUid === b.executionUid).map((p) => p.afterPosition)).toEqual([
        -1, 3, 7,
      ]);
      const child = env.client.workflow.getHandle(
        evaluatorExecutionWorkflowId(INSTANCE, a.evaluatorUid, a.executionUid),
      );
      expect((await child.describe()).status.name).toBe('COMPLETED');
    });
  });

  it('one child failing fatally fails the benchmark, while the other child still completes', async () => {
    const kids = children();
    const [a, b] = kids as [BenchmarkChild, BenchmarkChild];
    const judge: FakeOptions['judge'] = async (p) => {
      if (p.executionUid === b.executionUid) throw ApplicationFailure.nonRetryable('bad key', 'LlmFatalError');
      await sleep(50);
      return { xUid: p.xUid, score: 1 };
    };
    await withWorker(fakeOptions(kids, judge), async ({ taskQueue, calls }) => {
      const handle = await startBenchmark(taskQueue);
      const err = await handle.result().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(WorkflowFailedError);
      const cause = (err as WorkflowFailedError).cause as ApplicationFailure;
      expect(cause.type).toBe('BenchmarkExecutionFailed');
      const reason = 'evaluator 2 on "test": bad key';
      expect(cause.message).toBe(reason);
      expect(calls.benchmarkFinished).toEqual([
        { benchmarkExecutionUid: expect.any(Number), status: 'failed', error: reason },
      ]);
      expect(calls.finished).toEqual(
        expect.arrayContaining([
          { executionUid: a.executionUid, status: 'completed' },
          { executionUid: b.executionUid, status: 'failed', error: 'bad key' },
        ]),
      );
      expect(sortedJudged(calls, a.executionUid)).toEqual(positions(6));
      const progress = await handle.query(benchmarkProgressQuery);
      expect(progress.children.map((c) => [c.executionUid, c.status, c.reason])).toEqual([
        [a.executionUid, 'completed', undefined],
        [b.executionUid, 'failed', 'bad key'],
      ]);
    });
  });

  it('the cancel signal cancels the children, which record cancelled', async () => {
    const kids = children();
    const [a, b] = kids as [BenchmarkChild, BenchmarkChild];
    const judge: FakeOptions['judge'] = async (p, _attempt, calls) =>
      p.position < 2 ? { xUid: p.xUid, score: 1 } : untilCancelled(calls, p);
    await withWorker(fakeOptions(kids, judge), async ({ taskQueue, calls }) => {
      const handle = await startBenchmark(taskQueue);
      // Child a: concurrency 2, child b: 3; rows 0 and 1 of each are done at once.
      await waitFor('4 rows done and 5 in flight', () => calls.judged.length === 4 && calls.inFlight === 5);
      await handle.signal(cancelSignal);
      const outcome = await handle.result();
      expect(outcome).toMatchObject({ status: 'cancelled', reason: 'cancelled by user' });
      expect(outcome.children.map((c) => c.status)).toEqual(['cancelled', 'cancelled']);
      expect(calls.benchmarkFinished).toEqual([
        { benchmarkExecutionUid: outcome.benchmarkExecutionUid, status: 'cancelled', error: 'cancelled by user' },
      ]);
      expect(calls.finished).toEqual(
        expect.arrayContaining([
          { executionUid: a.executionUid, status: 'cancelled', error: 'cancelled through Temporal' },
          { executionUid: b.executionUid, status: 'cancelled', error: 'cancelled through Temporal' },
        ]),
      );
      await waitFor('the 5 in-flight rows saw their cancellation', () => calls.cancelled === 5);
      const child = env.client.workflow.getHandle(
        evaluatorExecutionWorkflowId(INSTANCE, b.evaluatorUid, b.executionUid),
      );
      expect((await child.describe()).status.name).toBe('CANCELLED');
    });
  });

  /** Starts a benchmark whose rows 0 and 1 of each child are done at once while later rows hang, then cancels it. */
  const cancelBenchmarkThroughTemporal = async (
    fn: (ctx: {
      handle: WorkflowHandle<typeof benchmarkExecutionWorkflow>;
      calls: FakeCalls;
      kids: BenchmarkChild[];
    }) => Promise<void>,
  ) => {
    const kids = children();
    const judge: FakeOptions['judge'] = async (p, _attempt, calls) =>
      p.position < 2 ? { xUid: p.xUid, score: 1 } : untilCancelled(calls, p);
    await withWorker(fakeOptions(kids, judge), async ({ taskQueue, calls }) => {
      const handle = await startBenchmark(taskQueue);
      await waitFor('4 rows done and 5 in flight', () => calls.judged.length === 4 && calls.inFlight === 5);
      await handle.cancel();
      await fn({ handle, calls, kids });
    });
  };

  it("Temporal's own cancel cancels the children, which end CANCELLED and record cancelled", async () => {
    await cancelBenchmarkThroughTemporal(async ({ handle, calls, kids }) => {
      await handle.result().catch(() => undefined);
      for (const c of kids) {
        const child = env.client.workflow.getHandle(
          evaluatorExecutionWorkflowId(INSTANCE, c.evaluatorUid, c.executionUid),
        );
        expect((await child.describe()).status.name).toBe('CANCELLED');
      }
      expect(calls.finished).toEqual(
        expect.arrayContaining(
          kids.map((c) => ({ executionUid: c.executionUid, status: 'cancelled', error: 'cancelled through Temporal' })),
        ),
      );
      expect(calls.benchmarkFinished).toMatchObject([{ status: 'cancelled' }]);
      await waitFor('the 5 in-flight rows saw their cancellation', () => calls.cancelled === 5);
    });
  });

  // Each child's catch turns its cancellation into status 'cancelled', so Promise.all resolves normally: the workflow
  // once returned and ended COMPLETED, recording 'an evaluator execution was cancelled'.
  it("Temporal's own cancel ends the benchmark workflow CANCELLED, not COMPLETED (regression)", async () => {
    await cancelBenchmarkThroughTemporal(async ({ handle, calls }) => {
      const err = await handle.result().catch((e: unknown) => e);
      expect((await handle.describe()).status.name).toBe('CANCELLED');
      expect(err).toBeInstanceOf(WorkflowFailedError);
      expect((err as WorkflowFailedError).cause).toBeInstanceOf(CancelledFailure);
      expect(calls.benchmarkFinished).toMatchObject([{ status: 'cancelled', error: 'cancelled through Temporal' }]);
    });
  });
});

describe('upgrade', () => {
  it('an execution started before rows became local activities replays with its server-side activities', async () => {
    // Recorded with the workflow code of f4172fc (fake activities, 6 rows at concurrency 2, one row rate-limited
    // once): ActivityTaskScheduled per row and no patch marker. Replaying it with today's code must not hit a
    // nondeterminism error: LOCAL_ROWS_PATCH is false for it.
    const bytes = fs.readFileSync(path.join(import.meta.dirname, 'histories/evaluator-execution-server-side-rows.bin'));
    const history = temporal.api.history.v1.History.decode(bytes);
    const scheduled = (history.events ?? []).filter(
      (e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'judgeDatapoint',
    );
    expect(scheduled.length).toBeGreaterThanOrEqual(6);
    await Worker.runReplayHistory({ workflowBundle }, history, 'wf-test-execution-424242');
  });

  it('an execution started before row errors were recorded at run end replays its recordRowError', async () => {
    // Recorded with the workflow code of 54f8cf4 (fake activities, 6 rows at concurrency 2, row 1 failing its 5
    // attempts): a recordRowError activity among the row markers. ROW_ERRORS_AT_RUN_END_PATCH is false for it.
    const bytes = fs.readFileSync(path.join(import.meta.dirname, 'histories/evaluator-execution-row-error-inline.bin'));
    const history = temporal.api.history.v1.History.decode(bytes);
    const scheduled = (history.events ?? []).map((e) => e.activityTaskScheduledEventAttributes?.activityType?.name);
    expect(scheduled).toContain('recordRowError');
    expect(scheduled).not.toContain('recordRowErrors');
    await Worker.runReplayHistory({ workflowBundle }, history, 'wf-test-execution-424243');
  });
});
