/**
 * A Temporal dev server stopped mid-execution and started again on the same --db-filename: the execution resumes
 * by itself (the worker reconnects) and every row ends up scored exactly once.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { Judgeflow } from '../../src/sdk/client';
import { startJudgeServer, type JudgeServer } from '../../src/llm/judge-server';
import { pollExecution, startExecution } from '../../src/sdk/evaluator-executions';
import { processAlive, startDevServer, stopDevServer, waitForTemporal } from '../../src/temporal/dev-server';
import { createEvaluatorFixture } from '../helpers/fixtures';
import { freePort } from '../helpers/ports';
import { spawnWorkerProcess as spawnWorker, type WorkerProcess } from '../../scripts/worker-process';

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
  const f = await createEvaluatorFixture(jf.db, { rows, modelName: 'local-judge:latency=150' });
  const ref = { evaluatorUid: f.evaluatorUid, benchmarkUid: f.benchmarkUid, promptWorkflowUid: f.promptWorkflowUid };
  const uid = await startExecution(jf, ref, { split: 'test', concurrency: 4, pageSize: 30 });
  const scored = async () =>
    (await jf.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM evaluator_results WHERE execution_uid = $1 AND score IS NOT NULL`, [uid])).rows[0]!.n;

  for (let i = 0; i < 600 && (await scored()) < 15; i++) await new Promise((r) => setTimeout(r, 50));
  await stopDevServer(serverPid!);
  const atStop = await scored();
  expect(atStop).toBeLessThan(rows);
  await new Promise((r) => setTimeout(r, 1_000));
  await startServer();

  const [status, results] = await pollExecution(jf, f.evaluatorUid, uid, { sync: true });
  expect(status).toBe('completed');
  expect(Object.keys(results)).toHaveLength(rows);
  const { rows: counts } = await jf.db.query<{ n: number; distinct: number }>(
    `SELECT count(*)::int AS n, count(DISTINCT x_uid)::int AS distinct FROM evaluator_results WHERE execution_uid = $1 AND score IS NOT NULL`,
    [uid],
  );
  expect(counts[0]).toEqual({ n: rows, distinct: rows });
  expect(worker.child.exitCode).toBeNull();
});
