/**
 * A worker killed with SIGKILL mid-execution, then started again: the execution resumes by itself and every row
 * ends up scored exactly once in PostgreSQL.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { inject } from 'vitest';
import type { Judgeflow } from '../../src/sdk/client';
import { startJudgeServer, type JudgeServer } from '../../src/llm/judge-server';
import { pollExecution, startExecution } from '../../src/sdk/evaluator-executions';
import { connectTestClient } from '../helpers/context';
import { createEvaluatorFixture } from '../helpers/fixtures';
import { spawnWorkerProcess as spawnWorker, type WorkerProcess } from '../../scripts/worker-process';

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

const scoredRows = async (uid: number) =>
  (await jf.db.query<{ n: number; distinct: number }>(
    `SELECT count(*)::int AS n, count(DISTINCT x_uid)::int AS distinct FROM evaluator_results
      WHERE execution_uid = $1 AND score IS NOT NULL`,
    [uid],
  )).rows[0]!;

it('resumes after the worker is killed with SIGKILL and scores every row exactly once', async () => {
  const rows = 120;
  const f = await createEvaluatorFixture(jf.db, { rows, modelName: 'local-judge:latency=150' });
  const first = await spawnWorker(workerEnv());
  workers.push(first);
  const uid = await startExecution(jf, { evaluatorUid: f.evaluatorUid, benchmarkUid: f.benchmarkUid, promptWorkflowUid: f.promptWorkflowUid }, {
    split: 'test',
    concurrency: 6,
    pageSize: 50,
  });

  for (let i = 0; i < 600 && (await scoredRows(uid)).n < 20; i++) await new Promise((r) => setTimeout(r, 50));
  await first.kill();
  const atKill = (await scoredRows(uid)).n;
  expect(atKill).toBeGreaterThanOrEqual(20);
  expect(atKill).toBeLessThan(rows);

  const second = await spawnWorker(workerEnv());
  workers.push(second);
  const [status, results] = await pollExecution(jf, f.evaluatorUid, uid, { sync: true });
  expect(status).toBe('completed');
  expect(Object.keys(results)).toHaveLength(rows);
  expect(await scoredRows(uid)).toEqual({ n: rows, distinct: rows });
});
