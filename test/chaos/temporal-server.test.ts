/**
 * Chaos: the Temporal dev server stops mid-execution — once with SIGTERM, once with SIGKILL — and starts again on
 * the same state file each time. The worker reconnects by itself, the execution resumes, and PostgreSQL holds
 * exactly one result per row.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { Judgeflow } from '../../src/sdk/Judgeflow';
import { startJudgeServer, type JudgeServer } from '../../tools/judge-server';
import { freePort } from '../../tools/ports';
import { processAlive, startDevServer, stopDevServer, waitForTemporal } from '../../tools/temporal-dev-server';
import { spawnWorkerProcess, type WorkerProcess } from '../../tools/worker-process';
import { createEvaluatorFixture } from '../support/fixtures';
import { waitUntil } from '../support/results';
import { accountRows, recordOutcome, scale, sleep } from './chaos-support';

let dir: string;
let address: string;
let uiPort: number;
let serverPid: number | undefined;
let judge: JudgeServer;
let jf: Judgeflow;
let worker: WorkerProcess | undefined;
const taskQueue = `chaos-server-${process.pid}`;

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

async function killServer() {
  const pid = serverPid!;
  process.kill(pid, 'SIGKILL');
  while (processAlive(pid)) await sleep(50);
}

/**
 * The first start, on fresh ports. The ports are free when picked but released before the server binds them, and
 * the server takes random ports of its own for its services meanwhile, so a start can lose its ports to a race
 * (a CI run here: "exited during start-up"): try again on new ones, and say what its log said if all tries fail.
 */
async function startServerOnFreePorts(tries = 3) {
  for (let attempt = 1; ; attempt++) {
    address = `127.0.0.1:${await freePort()}`;
    uiPort = await freePort();
    try {
      await startServer();
      return;
    } catch (err) {
      const log = fs.readFileSync(path.join(dir, 'temporal.log'), 'utf8').trim().split('\n').slice(-5).join('\n');
      if (attempt === tries) throw new Error(`${(err as Error).message}; its log ends:\n${log}`, { cause: err });
      if (serverPid && processAlive(serverPid)) await stopDevServer(serverPid);
      fs.rmSync(path.join(dir, 'temporal.db'), { force: true });
    }
  }
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'judgeflow-chaos-server-'));
  await startServerOnFreePorts();
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

it('resumes after the dev server is stopped with SIGTERM and later killed with SIGKILL, restarted each time', async () => {
  const rows = scale(150, 500);
  worker = await spawnWorkerProcess({
    DATABASE_URL: inject('databaseUrl'),
    TEMPORAL_ADDRESS: address,
    TEMPORAL_TASK_QUEUE: taskQueue,
    OPENAI_BASE_URL: judge.url,
    OPENAI_API_KEY: 'test-key',
  });
  const f = await createEvaluatorFixture(jf, { rows, modelName: 'local-judge:latency=150' });
  judge.resetStats();
  const uid = await f.evaluator.execute({ split: 'test', concurrency: 4, pageSize: 50 });
  const done = async () => (await accountRows(jf.db, uid)).results;

  const stops: string[] = [];
  for (const [share, how] of [
    [0.2, 'SIGTERM'],
    [0.55, 'SIGKILL'],
  ] as const) {
    await waitUntil(`${share * 100} % of the rows are done`, async () => (await done()) >= rows * share, 120_000);
    if (how === 'SIGTERM') await stopDevServer(serverPid!);
    else await killServer();
    stops.push(`${how} at ${await done()} rows`);
    expect(await done()).toBeLessThan(rows);
    await sleep(1_000);
    await startServer();
  }

  const [status] = await f.evaluator.pollExecutionResult(uid, { sync: true });
  expect(status).toBe('completed');
  const a = await accountRows(jf.db, uid);
  expect(a).toMatchObject({ results: rows, scored: rows, errors: 0, lost: 0, duplicated: 0 });
  expect(worker.child.exitCode).toBeNull();
  recordOutcome('3-dev-server-restarts', {
    scenario: '3. Temporal dev server SIGTERM, then SIGKILL, restarted on the same state file',
    runs: `${rows} rows, C=4, 150 ms judge, pages of 50 (${stops.join(', ')})`,
    outcome: `completed; ${a.scored}/${rows} scored; the worker reconnected by itself`,
    rowsLost: a.lost,
    duplicated: a.duplicated,
    extraCalls: judge.stats().requests - rows,
  });
}, 600_000);
