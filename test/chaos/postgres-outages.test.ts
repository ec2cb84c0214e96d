/**
 * Chaos: PostgreSQL goes away under a running execution. The worker's connections are terminated server-side
 * (`pg_terminate_backend`) several times, then PostgreSQL refuses connections for a while (the worker reaches it
 * through a TCP forwarder that the test closes). Activities wait and retry; nothing is lost, no row becomes an
 * error, the worker does not crash.
 */
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import type { Judgeflow } from '../../src/sdk/Judgeflow';
import { startJudgeServer, type JudgeServer } from '../../tools/judge-server';
import { startTcpProxy, type TcpProxy } from '../../tools/tcp-proxy';
import { spawnWorkerProcess, type WorkerProcess } from '../../tools/worker-process';
import { connectTestClient } from '../support/context';
import { createEvaluatorFixture } from '../support/fixtures';
import { waitUntil } from '../support/results';
import { accountRows, recordOutcome, scale, sleep } from './chaos-support';

let jf: Judgeflow;
let judge: JudgeServer;
let proxy: TcpProxy;
let worker: WorkerProcess | undefined;
const taskQueue = `chaos-postgres-${process.pid}`;
const applicationName = `judgeflow-chaos-worker-${process.pid}`;

beforeAll(async () => {
  judge = await startJudgeServer();
  jf = await connectTestClient(taskQueue);
  jf.config.openai.baseUrl = judge.url;
  const db = new URL(inject('databaseUrl'));
  proxy = await startTcpProxy({ host: db.hostname, port: Number(db.port || 5432) });
});

afterAll(async () => {
  await worker?.kill();
  await proxy?.close();
  await jf?.close();
  await judge?.close();
});

/** The worker's PostgreSQL sessions (recognised by application_name). */
async function workerSessions(): Promise<number> {
  const { rows } = await jf.db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1`,
    [applicationName],
  );
  return rows[0]!.n;
}

/** Terminates the worker's PostgreSQL sessions; returns how many. */
async function terminateWorkerSessions(): Promise<number> {
  const { rows } = await jf.db.query<{ n: number }>(
    `SELECT count(*) FILTER (WHERE pg_terminate_backend(pid))::int AS n
       FROM pg_stat_activity WHERE application_name = $1`,
    [applicationName],
  );
  return rows[0]!.n;
}

it('terminated connections and 20 s of refused connections cost no row and no crash', async () => {
  const rows = scale(200, 600);
  const refusedMs = scale(8_000, 20_000);
  const url = new URL(inject('databaseUrl'));
  url.port = String(proxy.port);
  url.searchParams.set('application_name', applicationName);
  worker = await spawnWorkerProcess({
    DATABASE_URL: url.toString(),
    TEMPORAL_ADDRESS: inject('temporalAddress'),
    TEMPORAL_TASK_QUEUE: taskQueue,
    OPENAI_BASE_URL: judge.url,
    OPENAI_API_KEY: 'test-key',
  });
  const f = await createEvaluatorFixture(jf, { rows, modelName: 'local-judge:latency=100' });
  judge.resetStats();
  const uid = await f.evaluator.execute({ split: 'test', concurrency: 8 });
  const done = async () => (await accountRows(jf.db, uid)).results;

  let terminated = 0;
  for (const share of [0.15, 0.25, 0.35]) {
    await waitUntil(`${share * 100} % of the rows are done`, async () => (await done()) >= rows * share, 120_000);
    terminated += await terminateWorkerSessions();
  }
  expect(terminated).toBeGreaterThan(0);

  await waitUntil('half of the rows are done', async () => (await done()) >= rows / 2, 120_000);
  await proxy.refuse();
  // A statement PostgreSQL had already received when the sockets closed still commits; its backend exits once it
  // finds the client gone. Count only after every backend of the worker has gone (regression: one commit landed
  // just after the count).
  await waitUntil("the worker's PostgreSQL sessions have ended", async () => (await workerSessions()) === 0, 30_000);
  const atRefusal = await done();
  await sleep(refusedMs);
  // Nothing could be written meanwhile, and the worker is still alive (no crash loop).
  expect(await done()).toBe(atRefusal);
  expect(worker.child.exitCode).toBeNull();
  await proxy.accept();

  const [status] = await f.evaluator.pollExecutionResult(uid, { sync: true });
  expect(status).toBe('completed');
  const a = await accountRows(jf.db, uid);
  expect(a).toMatchObject({ results: rows, scored: rows, errors: 0, lost: 0, duplicated: 0 });
  expect(worker.child.exitCode).toBeNull();
  const extraCalls = judge.stats().requests - rows;
  recordOutcome('4-postgres-outages', {
    scenario: "4. PostgreSQL: the worker's sessions terminated 3 times, then connections refused",
    runs: `${rows} rows, C=8, 100 ms judge; ${terminated} sessions terminated; refused for ${refusedMs / 1000} s at ${atRefusal} rows`,
    outcome: `completed; ${a.scored}/${rows} scored, 0 errors; the worker never exited`,
    rowsLost: a.lost,
    duplicated: a.duplicated,
    extraCalls,
  });
}, 600_000);
