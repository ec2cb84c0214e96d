/**
 * Chaos: cancellation at every awkward moment — at the start, mid-run (timing how fast in-flight model calls are
 * aborted), while the workflow continues-as-new, during a benchmark execution's evaluator executions, and
 * during an export. Each ends `cancelled`, keeps the results already written, starts nothing new, and leaves no
 * export file behind.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Benchmark } from '../../src/sdk/Benchmark';
import type { Judgeflow } from '../../src/sdk/Judgeflow';
import type { JudgeServer } from '../../tools/judge-server';
import { createEvaluatorFixture } from '../support/fixtures';
import { startJudgedClient, type JudgedClient } from '../support/judged-client';
import { waitUntil } from '../support/results';
import { accountRows, benchmarkResultCount, recordOutcome, sleep } from './chaos-support';
import { exportWorkflowId } from '../../src/shared/workflow-ids';

let stack: JudgedClient;
let jf: Judgeflow;
let judge: JudgeServer;

beforeAll(async () => {
  stack = await startJudgedClient(`chaos-cancel-${process.pid}`);
  ({ jf, judge } = stack);
});

afterAll(async () => {
  await stack?.stop();
});

/** After a cancel: no model call starts for `ms`. */
async function expectNoNewCalls(ms = 1_500) {
  const requests = judge.stats().requests;
  await sleep(ms);
  expect(judge.stats().requests).toBe(requests);
}

describe('an evaluator execution', () => {
  it('cancelled right at the start ends cancelled and judges (almost) nothing', async () => {
    const f = await createEvaluatorFixture(jf, { rows: 50, modelName: 'local-judge:latency=300' });
    const uid = await f.evaluator.execute({ split: 'test', concurrency: 4 });
    await f.evaluator.cancelExecution(uid);
    const [status] = await f.evaluator.pollExecutionResult(uid, { sync: true });
    expect(status).toBe('cancelled');
    await expectNoNewCalls();
    const a = await accountRows(jf.db, uid);
    // At most the first window of rows could have started before the signal arrived.
    expect(a.results).toBeLessThanOrEqual(4);
    recordOutcome('6a-cancel-at-start', {
      scenario: '6. cancel right after execute()',
      runs: '50 rows, C=4, 300 ms judge',
      outcome: `cancelled; ${a.results} rows judged before the signal`,
      rowsLost: 0,
      duplicated: a.duplicated,
      extraCalls: 0,
    });
  });

  it('cancelled mid-run aborts the in-flight model calls within about a second and starts nothing new', async () => {
    // Every call takes 20 s: six are in flight when the cancel comes.
    const slow = await createEvaluatorFixture(jf, { rows: 40, modelName: 'local-judge:latency=20000' });
    const uid = await slow.evaluator.execute({ split: 'test', concurrency: 6 });
    await waitUntil(
      '6 calls are in flight',
      async () => (await slow.evaluator.getExecutionProgress(uid)).inFlight === 6,
    );
    await sleep(1_500); // past the first heartbeat, as a long-running call would be
    const abortedBefore = judge.stats().aborted;
    const cancelledAt = Date.now();
    await slow.evaluator.cancelExecution(uid);
    await waitUntil('the 6 calls are aborted', () => judge.stats().aborted - abortedBefore >= 6, 10_000);
    const abortMs = Date.now() - cancelledAt;
    expect(abortMs).toBeLessThan(2_500);
    const [status] = await slow.evaluator.pollExecutionResult(uid, { sync: true });
    expect(status).toBe('cancelled');
    await expectNoNewCalls();
    const a = await accountRows(jf.db, uid);
    expect(a.results).toBe(0);
    recordOutcome('6b-cancel-mid-run', {
      scenario: '6. cancel mid-run with 6 slow model calls in flight',
      runs: '40 rows, C=6, 20 s judge',
      outcome: `cancelled; the 6 in-flight calls aborted ${abortMs} ms after cancelExecution(); nothing started after`,
      rowsLost: 0,
      duplicated: a.duplicated,
      extraCalls: 0,
    });
  });

  it('cancelled while it continues-as-new ends cancelled with every result written so far', async () => {
    const f = await createEvaluatorFixture(jf, { rows: 400, modelName: 'local-judge:latency=20' });
    const uid = await f.evaluator.execute({ split: 'test', concurrency: 5, pageSize: 10 });
    let run = 1;
    await waitUntil('the third run starts', async () => (run = (await f.evaluator.getExecutionProgress(uid)).run) >= 3);
    // Right as a run begins: pages of 10 rows at 20 ms make a continue-as-new every ~50 ms.
    await f.evaluator.cancelExecution(uid);
    const [status, results] = await f.evaluator.pollExecutionResult(uid, { sync: true });
    expect(status).toBe('cancelled');
    await expectNoNewCalls();
    const a = await accountRows(jf.db, uid);
    expect(a.results).toBeGreaterThanOrEqual(20);
    expect(a.results).toBeLessThan(400);
    expect(Object.keys(results)).toHaveLength(a.results);
    expect(a.duplicated).toBe(0);
    recordOutcome('6c-cancel-during-continue-as-new', {
      scenario: '6. cancel while the workflow continues-as-new (a new run every 10 rows)',
      runs: '400 rows, C=5, pages of 10, 20 ms judge',
      outcome: `cancelled in run ${run}; ${a.results} results kept`,
      rowsLost: 0,
      duplicated: a.duplicated,
      extraCalls: 0,
    });
  });
});

it('a benchmark execution cancelled during its evaluator executions: all cancelled, results kept', async () => {
  const f = await createEvaluatorFixture(jf, { rows: 200, modelName: 'local-judge:latency=200' });
  const run = await (await Benchmark.get(f.benchmarkUid, jf)).execute({ splits: ['test'] });
  const results = () => benchmarkResultCount(jf.db, run.benchmarkExecutionUid);
  await waitUntil('the evaluator executions are judging', async () => (await results()) >= 10);
  await run.cancel();
  expect(await run.wait()).toBe('cancelled');
  await expectNoNewCalls();
  const { rows: children } = await jf.db.query<{ uid: number; status: string }>(
    `SELECT uid, status FROM evaluator_executions WHERE benchmark_execution_uid = $1`,
    [run.benchmarkExecutionUid],
  );
  expect(children.map((c) => c.status)).toEqual(children.map(() => 'cancelled'));
  const kept = await results();
  expect(kept).toBeGreaterThanOrEqual(10);
  expect(kept).toBeLessThan(200);
  recordOutcome('6d-cancel-benchmark-execution', {
    scenario: '6. cancel a benchmark execution during its evaluator executions',
    runs: '200 rows, 200 ms judge',
    outcome: `cancelled, and every evaluator execution cancelled; ${kept} results kept`,
    rowsLost: 0,
    duplicated: 0,
    extraCalls: 0,
  });
});

it('an export cancelled while it writes ends cancelled and leaves no file, not even a temp file', async () => {
  const f = await createEvaluatorFixture(jf, { rows: 2_000 });
  const big = await (await Benchmark.get(f.benchmarkUid, jf)).execute({ numRows: 1, sync: true });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'judgeflow-chaos-export-'));
  // The export writes its file's head, then waits for PostgreSQL: a lock on the results holds its COPY back, so the
  // cancel comes while it writes however fast it would write.
  const holder = await jf.db.pool.connect();
  await holder.query('BEGIN');
  await holder.query('LOCK TABLE evaluator_results IN ACCESS EXCLUSIVE MODE');
  try {
    const latestExport = async () =>
      (await jf.db.query<{ uid: number | null }>(`SELECT max(uid) AS uid FROM exports`)).rows[0]!.uid ?? 0;
    const before = await latestExport();
    const running = big.export(path.join(dir, 'big.json'));
    running.catch(() => undefined);
    await waitUntil('the export is writing', () => fs.readdirSync(dir).length > 0);
    const exportUid = await latestExport();
    expect(exportUid).toBeGreaterThan(before);
    await (await jf.temporal()).workflow.getHandle(exportWorkflowId(jf.instanceId, exportUid)).cancel();
    await expect(running).rejects.toThrow(/export cancelled/);
    const { rows } = await jf.db.query<{ status: string }>(`SELECT status FROM exports WHERE uid = $1`, [exportUid]);
    expect(rows[0]?.status).toBe('cancelled');
    await waitUntil('the temp file is gone', () => fs.readdirSync(dir).length === 0, 10_000);
    recordOutcome('6e-cancel-export', {
      scenario: '6. cancel an export while it writes (local file)',
      runs: '2,000 datapoints to JSON, its COPY held back by a lock',
      outcome: 'cancelled; no file and no temp file left',
      rowsLost: 0,
      duplicated: 0,
      extraCalls: 0,
    });
  } finally {
    await holder.query('ROLLBACK');
    holder.release();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}, 180_000);
