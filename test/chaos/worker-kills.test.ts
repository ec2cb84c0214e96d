/**
 * Chaos: workers die. (1) One worker SIGKILLed at random moments several times during one execution and started
 * again each time; (2) two workers on one task queue, one killed for good; (3) a worker killed while a benchmark
 * execution runs its evaluator executions; (4) a worker killed while rows are judged five times each, one request per
 * sample. Afterwards PostgreSQL must hold exactly one result per row (and one stored sample per sample), and the
 * model must have been called again only for rows (samples) that were in flight at a kill.
 */
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { Benchmark } from '../../src/sdk/Benchmark';
import type { Judgeflow } from '../../src/sdk/Judgeflow';
import { startJudgeServer, type JudgeServer } from '../../tools/judge-server';
import { spawnWorkerProcess, type WorkerProcess } from '../../tools/worker-process';
import { connectTestClient } from '../support/context';
import { createEvaluatorFixture } from '../support/fixtures';
import { waitUntil } from '../support/results';
import { accountRows, benchmarkResultCount, recordOutcome, scale } from './chaos-support';

let jf: Judgeflow;
let judge: JudgeServer;
const workers: WorkerProcess[] = [];
const taskQueue = `chaos-workers-${process.pid}`;

beforeAll(async () => {
  judge = await startJudgeServer();
  jf = await connectTestClient(taskQueue);
  jf.config.openai.baseUrl = judge.url;
});

afterAll(async () => {
  for (const w of workers) await w.kill();
  await jf?.close();
  await judge?.close();
});

async function startWorker(env: Record<string, string> = {}): Promise<WorkerProcess> {
  const w = await spawnWorkerProcess({
    DATABASE_URL: inject('databaseUrl'),
    TEMPORAL_ADDRESS: inject('temporalAddress'),
    TEMPORAL_TASK_QUEUE: taskQueue,
    OPENAI_BASE_URL: judge.url,
    OPENAI_API_KEY: 'test-key',
    ...env,
  });
  workers.push(w);
  return w;
}

const done = async (executionUid: number) => (await accountRows(jf.db, executionUid)).results;

it('a worker SIGKILLed again and again during one execution: it completes with exactly one result per row', async () => {
  const rows = scale(240, 600);
  const kills = scale(3, 6);
  const concurrency = 8;
  const f = await createEvaluatorFixture(jf, { rows, modelName: 'local-judge:latency=250' });
  let worker = await startWorker();
  judge.resetStats();
  const uid = await f.evaluator.execute({ split: 'test', concurrency });

  const inFlightAtKills: number[] = [];
  const killedAt: number[] = [];
  for (let k = 1; k <= kills; k++) {
    // A random moment within the k-th share of the run.
    const threshold = Math.floor(((k - 1 + 0.3 + 0.6 * Math.random()) * rows) / (kills + 1));
    await waitUntil(`${threshold} rows are done`, async () => (await done(uid)) >= threshold, 120_000);
    inFlightAtKills.push((await f.evaluator.getExecutionProgress(uid)).inFlight);
    await worker.kill();
    killedAt.push(await done(uid));
    worker = await startWorker();
  }

  const [status] = await f.evaluator.pollExecutionResult(uid, { sync: true });
  expect(status).toBe('completed');
  const a = await accountRows(jf.db, uid);
  expect(a).toMatchObject({ expected: rows, results: rows, scored: rows, errors: 0, lost: 0, duplicated: 0 });
  const extraCalls = judge.stats().requests - rows;
  const inFlightSum = inFlightAtKills.reduce((x, y) => x + y, 0);
  expect(extraCalls).toBeGreaterThanOrEqual(0);
  // Only rows in flight at a kill are called again: at most the window (C) per kill.
  expect(extraCalls).toBeLessThanOrEqual(kills * concurrency);
  recordOutcome('1-worker-sigkills', {
    scenario: '1. worker SIGKILLed at random moments, restarted each time',
    runs: `${rows} rows, C=${concurrency}, 250 ms judge, ${kills} SIGKILLs (at ${killedAt.join(', ')} rows done)`,
    outcome: `completed; ${a.scored}/${rows} scored, 0 errors`,
    rowsLost: a.lost,
    duplicated: a.duplicated,
    extraCalls: `${extraCalls} (rows in flight just before the kills: ${inFlightSum}; at most ${kills * concurrency})`,
  });
}, 600_000);

it('two workers on one task queue, one killed for good: the other finishes the execution', async () => {
  const rows = scale(150, 400);
  const f = await createEvaluatorFixture(jf, { rows, modelName: 'local-judge:latency=200' });
  const survivor = await startWorker();
  const victim = await startWorker();
  judge.resetStats();
  const uid = await f.evaluator.execute({ split: 'test', concurrency: 8 });
  await waitUntil('a third of the rows are done', async () => (await done(uid)) >= rows / 3, 120_000);
  const inFlight = (await f.evaluator.getExecutionProgress(uid)).inFlight;
  await victim.kill();

  const [status] = await f.evaluator.pollExecutionResult(uid, { sync: true });
  expect(status).toBe('completed');
  expect(survivor.child.exitCode).toBeNull();
  const a = await accountRows(jf.db, uid);
  expect(a).toMatchObject({ results: rows, scored: rows, lost: 0, duplicated: 0 });
  const extraCalls = judge.stats().requests - rows;
  expect(extraCalls).toBeLessThanOrEqual(8);
  recordOutcome('2-two-workers-one-killed', {
    scenario: '2. two workers on one task queue, one SIGKILLed for good',
    runs: `${rows} rows, C=8, 200 ms judge`,
    outcome: `completed by the survivor; ${a.scored}/${rows} scored`,
    rowsLost: a.lost,
    duplicated: a.duplicated,
    extraCalls: `${extraCalls} (in flight just before the kill: ${inFlight}; at most 8)`,
  });
  await survivor.stop();
}, 300_000);

it("a worker SIGKILLed during a benchmark execution's evaluator executions: the benchmark execution completes", async () => {
  const rows = scale(120, 300);
  const f = await createEvaluatorFixture(jf, { rows, modelName: 'local-judge:latency=200' });
  const worker = await startWorker();
  judge.resetStats();
  const run = await (await Benchmark.get(f.benchmarkUid, jf)).execute({ splits: ['test'] });
  const total = () => benchmarkResultCount(jf.db, run.benchmarkExecutionUid);
  await waitUntil('the evaluator executions are under way', async () => (await total()) >= rows / 3, 120_000);
  await worker.kill();
  await startWorker();
  expect(await run.wait()).toBe('completed');
  const { rows: children } = await jf.db.query<{ uid: number; status: string }>(
    `SELECT uid, status FROM evaluator_executions WHERE benchmark_execution_uid = $1`,
    [run.benchmarkExecutionUid],
  );
  expect(children.length).toBeGreaterThanOrEqual(1);
  let lost = 0;
  let duplicated = 0;
  for (const child of children) {
    expect(child.status).toBe('completed');
    const a = await accountRows(jf.db, child.uid);
    expect(a).toMatchObject({ results: rows, scored: rows, lost: 0, duplicated: 0 });
    lost += a.lost;
    duplicated += a.duplicated;
  }
  recordOutcome('1b-benchmark-worker-sigkill', {
    scenario: "1b. worker SIGKILLed during a benchmark execution's evaluator executions",
    runs: `${children.length === 1 ? 'one evaluator execution' : `${children.length} evaluator executions`} of ${rows} rows, 200 ms judge`,
    outcome: 'benchmark execution completed; every child completed',
    rowsLost: lost,
    duplicated,
    extraCalls: judge.stats().requests - rows * children.length,
  });
}, 300_000);

it('a worker SIGKILLed while rows are judged by five samples, one request each: every sample stored once', async () => {
  const rows = scale(120, 300);
  const concurrency = 8;
  const model = 'local-judge:latency=250:accuracy=0.7';
  const env = { JUDGEFLOW_MODELS: JSON.stringify({ [model]: { sampling: 'requests' } }) };
  const f = await createEvaluatorFixture(jf, { rows, modelName: model });
  let worker = await startWorker(env);
  judge.resetStats();
  const uid = await f.evaluator.execute({ split: 'test', concurrency, samples: 5 });
  const inFlightAtKills: number[] = [];
  for (const share of [0.3, 0.6]) {
    await waitUntil(`${share * rows} rows are done`, async () => (await done(uid)) >= share * rows, 120_000);
    inFlightAtKills.push((await f.evaluator.getExecutionProgress(uid)).inFlight);
    await worker.kill();
    worker = await startWorker(env);
  }
  const [status] = await f.evaluator.pollExecutionResult(uid, { sync: true });
  expect(status).toBe('completed');
  expect(await accountRows(jf.db, uid)).toMatchObject({ results: rows, scored: rows, lost: 0, duplicated: 0 });
  const { rows: samples } = await jf.db.query<{ n: number; rows: number; full: number }>(
    `SELECT count(*)::int AS n, count(DISTINCT x_uid)::int AS rows,
            (SELECT count(*)::int FROM evaluator_results WHERE execution_uid = $1 AND json_array_length(samples) = 5) AS full
       FROM evaluator_samples WHERE execution_uid = $1 AND score IS NOT NULL`,
    [uid],
  );
  expect(samples[0]).toEqual({ n: rows * 5, rows, full: rows });
  // A sample is asked again only when its own request was in flight at a kill: at most the window's five per row.
  const extra = judge.stats().choices - rows * 5;
  expect(extra).toBeGreaterThanOrEqual(0);
  expect(extra).toBeLessThanOrEqual(2 * concurrency * 5);
}, 300_000);
