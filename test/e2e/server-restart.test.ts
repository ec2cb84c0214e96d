/**
 * A Temporal dev server stopped mid-execution and started again on the same --db-filename: the execution resumes
 * by itself (the worker reconnects) and every row ends up scored exactly once.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { Judgeflow } from '../../src/sdk/Judgeflow';
import { startJudgeServer, type JudgeServer } from '../../tools/judge-server';
import { processAlive, startDevServer, stopDevServer, waitForTemporal } from '../../tools/temporal-dev-server';
import { createEvaluatorFixture } from '../support/fixtures';
import { freePort } from '../../tools/ports';
import { spawnWorkerProcess as spawnWorker, type WorkerProcess } from '../../tools/worker-process';
import { scoredRows, waitUntil } from '../support/results';

let dir: string;
let address: string;
let uiPort: number;
let serverPid: number | undefined;
let judge: JudgeServer;
let jf: Judgeflow;
let worker: WorkerProcess | undefined;
const taskQueue = `server-restart-${process.pid}`;

async function startServer() {
  serverPid = startDevServer({
    cliPath: inject('temporalCli'),
    address,
    uiPort,
    dbFilename: path.join(dir, 'temporal.db'),
    logFile: path.join(dir, 'temporal.log'),
  });
  const pid = serverPid;
  await waitForTemporal(address, 60_000, () => processAlive(pid));
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'judgeflow-restart-'));
  address = `127.0.0.1:${await freePort()}`;
  uiPort = await freePort();
  await startServer();
  judge = await startJudgeServer();
  jf = await Judgeflow.connect({
    config: { databaseUrl: inject('databaseUrl'), temporal: { address, taskQueue }, openai: { baseUrl: judge.url } },
  });
});

afterAll(async () => {
  await worker?.kill();
  await jf?.close();
  await judge?.close();
  if (serverPid) await stopDevServer(serverPid);
  fs.rmSync(dir, { recursive: true, force: true });
});

it('resumes an execution after the dev server is stopped and restarted on the same database file', async () => {
  const rows = 100;
  worker = await spawnWorker({
    DATABASE_URL: inject('databaseUrl'),
    TEMPORAL_ADDRESS: address,
    TEMPORAL_TASK_QUEUE: taskQueue,
    OPENAI_BASE_URL: judge.url,
    OPENAI_API_KEY: 'test-key',
  });
  const f = await createEvaluatorFixture(jf, { rows, modelName: 'local-judge:latency=150' });
  const uid = await f.evaluator.execute({ split: 'test', concurrency: 4, pageSize: 30 });
  const scored = async () => (await scoredRows(jf.db, { executionUid: uid })).n;

  await waitUntil('15 rows are scored', async () => (await scored()) >= 15);
  await stopDevServer(serverPid!);
  const atStop = await scored();
  expect(atStop).toBeLessThan(rows);
  await new Promise((r) => setTimeout(r, 1_000));
  await startServer();

  const [status, results] = await f.evaluator.pollExecutionResult(uid, { sync: true });
  expect(status).toBe('completed');
  expect(Object.keys(results)).toHaveLength(rows);
  expect(await scoredRows(jf.db, { executionUid: uid })).toEqual({ n: rows, distinct: rows });
  expect(worker.child.exitCode).toBeNull();
});
