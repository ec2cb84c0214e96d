/**
 * A worker killed with SIGKILL mid-execution, then started again: the execution resumes by itself and every row
 * ends up scored exactly once in PostgreSQL.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { inject } from 'vitest';
import type { Judgeflow } from '../../src/sdk/Judgeflow';
import { startJudgeServer, type JudgeServer } from '../../tools/judge-server';
import { connectTestClient } from '../support/context';
import { createEvaluatorFixture } from '../support/fixtures';
import { spawnWorkerProcess as spawnWorker, type WorkerProcess } from '../../tools/worker-process';
import { scoredRows, waitUntil } from '../support/results';

let jf: Judgeflow;
let judge: JudgeServer;
const workers: WorkerProcess[] = [];
const taskQueue = `worker-crash-${process.pid}`;

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

const workerEnv = () => ({
  DATABASE_URL: inject('databaseUrl'),
  TEMPORAL_ADDRESS: inject('temporalAddress'),
  TEMPORAL_TASK_QUEUE: taskQueue,
  OPENAI_BASE_URL: judge.url,
  OPENAI_API_KEY: 'test-key',
});

const scored = (uid: number) => scoredRows(jf.db, { executionUid: uid });

it('resumes after the worker is killed with SIGKILL and scores every row exactly once', async () => {
  const rows = 120;
  const f = await createEvaluatorFixture(jf, { rows, modelName: 'local-judge:latency=150' });
  const first = await spawnWorker(workerEnv());
  workers.push(first);
  const uid = await f.evaluator.execute({
    split: 'test',
    concurrency: 6,
    pageSize: 50,
  });

  await waitUntil('20 rows are scored', async () => (await scored(uid)).n >= 20);
  await first.kill();
  const atKill = (await scored(uid)).n;
  expect(atKill).toBeGreaterThanOrEqual(20);
  expect(atKill).toBeLessThan(rows);

  const second = await spawnWorker(workerEnv());
  workers.push(second);
  const [status, results] = await f.evaluator.pollExecutionResult(uid, { sync: true });
  expect(status).toBe('completed');
  expect(Object.keys(results)).toHaveLength(rows);
  expect(await scored(uid)).toEqual({ n: rows, distinct: rows });
});
