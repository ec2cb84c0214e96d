/**
 * Executions under faults: cancellation (SDK signal and Temporal's own cancel), fatal model errors, rate
 * limits, server errors and unusable answers — on the real dev server, PostgreSQL and local judge server.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Judgeflow } from '../../src/sdk/client';
import { createJudgeClient } from '../../src/llm/judge';
import { startJudgeServer, type JudgeServer } from '../../src/llm/judge-server';
import { cancelExecution, getProgress, pollExecution, startExecution } from '../../src/sdk/evaluator-executions';
import { evaluatorExecutionWorkflowId } from '../../src/temporal/workflow-ids';
import { connectTestClient } from '../helpers/context';
import { createEvaluatorFixture, type EvaluatorFixture } from '../helpers/fixtures';
import { startTestWorker, type TestWorker } from '../helpers/worker';

let jf: Judgeflow;
let judge: JudgeServer;
let worker: TestWorker;

beforeAll(async () => {
  judge = await startJudgeServer({ requireApiKey: 'good-key' });
  jf = await connectTestClient(`faults-${process.pid}`);
  jf.config.openai.baseUrl = judge.url;
  worker = await startTestWorker(jf, createJudgeClient({ baseUrl: judge.url, apiKey: 'good-key' }));
});

afterAll(async () => {
  await worker?.stop();
  await jf?.close();
  await judge?.close();
});

const ref = (f: EvaluatorFixture) => ({ evaluatorUid: f.evaluatorUid, benchmarkUid: f.benchmarkUid, promptWorkflowUid: f.promptWorkflowUid });
const resultRows = async (uid: number) =>
  (await jf.db.query<{ x_uid: string; score: number | null; error: string | null }>(
    `SELECT x_uid, score, error FROM evaluator_results WHERE execution_uid = $1`,
    [uid],
  )).rows;

async function waitForDone(f: EvaluatorFixture, uid: number, atLeast: number) {
  for (let i = 0; i < 300; i++) {
    if ((await getProgress(jf, f.evaluatorUid, uid)).done >= atLeast) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`execution ${uid} did not reach ${atLeast} rows`);
}

describe('cancellation', () => {
  it('through the SDK signal: stops scheduling, aborts in-flight calls, keeps results, records cancelled', async () => {
    const f = await createEvaluatorFixture(jf.db, { rows: 40, modelName: 'local-judge:latency=1500' });
    const uid = await startExecution(jf, ref(f), { split: 'test', concurrency: 4 });
    await waitForDone(f, uid, 4);
    const abortedBefore = judge.stats().aborted;
    await cancelExecution(jf, f.evaluatorUid, uid);
    const [status] = await pollExecution(jf, f.evaluatorUid, uid, { sync: true });
    expect(status).toBe('cancelled');
    const rows = await resultRows(uid);
    expect(rows.length).toBeGreaterThanOrEqual(4);
    expect(rows.length).toBeLessThan(40);
    expect(rows.every((r) => r.score !== null)).toBe(true);
    // In-flight requests were aborted (the activities heartbeat and see the cancellation).
    for (let i = 0; i < 100 && judge.stats().aborted === abortedBefore; i++) await new Promise((r) => setTimeout(r, 100));
    expect(judge.stats().aborted).toBeGreaterThan(abortedBefore);
    // Nothing else starts afterwards.
    const requests = judge.stats().requests;
    await new Promise((r) => setTimeout(r, 2000));
    expect(judge.stats().requests).toBe(requests);
    expect((await resultRows(uid)).length).toBe(rows.length);
  });

  it("through Temporal's own cancel (the Web UI button) ends the same way", async () => {
    const f = await createEvaluatorFixture(jf.db, { rows: 40, modelName: 'local-judge:latency=1000' });
    const uid = await startExecution(jf, ref(f), { split: 'test', concurrency: 4 });
    await waitForDone(f, uid, 4);
    const handle = (await jf.temporal()).workflow.getHandle(evaluatorExecutionWorkflowId(f.evaluatorUid, uid));
    await handle.cancel();
    await expect(handle.result()).rejects.toThrow();
    expect((await handle.describe()).status.name).toBe('CANCELLED');
    const [status, results] = await pollExecution(jf, f.evaluatorUid, uid);
    expect(status).toBe('cancelled');
    expect(Object.keys(results).length).toBeGreaterThanOrEqual(4);
    expect(Object.keys(results).length).toBeLessThan(40);
  });
});

describe('model errors', () => {
  it('a rejected API key fails the execution fast with a clear reason, not one error per row', async () => {
    const f = await createEvaluatorFixture(jf.db, { rows: 50 });
    const badWorker = `bad-key-${process.pid}`;
    const bad = await connectTestClient(badWorker);
    bad.config.openai.baseUrl = judge.url;
    const w = await startTestWorker(bad, createJudgeClient({ baseUrl: judge.url, apiKey: 'wrong-key' }));
    try {
      const before = judge.stats().byStatus[401] ?? 0;
      const uid = await startExecution(bad, ref(f), { split: 'test', concurrency: 4, sync: true });
      const [status, results] = await pollExecution(bad, f.evaluatorUid, uid);
      expect(status).toBe('failed');
      expect(Object.keys(results)).toHaveLength(0);
      const { rows } = await bad.db.query<{ error: string }>(`SELECT error FROM evaluator_executions WHERE uid = $1`, [uid]);
      expect(rows[0]?.error).toMatch(/401|API key/i);
      expect(rows[0]?.error).not.toContain('wrong-key');
      // At most the first window of rows reached the model.
      expect((judge.stats().byStatus[401] ?? 0) - before).toBeLessThanOrEqual(4);
    } finally {
      await w.stop();
      await bad.close();
    }
  });

  it('an unknown model fails the execution with its name in the reason', async () => {
    const f = await createEvaluatorFixture(jf.db, { rows: 5, modelName: 'local-judge:status=404' });
    const uid = await startExecution(jf, ref(f), { split: 'test', sync: true });
    const [status] = await pollExecution(jf, f.evaluatorUid, uid);
    expect(status).toBe('failed');
    const { rows } = await jf.db.query<{ error: string }>(`SELECT error FROM evaluator_executions WHERE uid = $1`, [uid]);
    expect(rows[0]?.error).toMatch(/404|model/i);
  });

  it('retries 429s after retry-after and 500s, then scores every row', async () => {
    judge.configure({ rateLimit: { firstN: 3, retryAfterSeconds: 1 }, serverErrors: { firstN: 2 } });
    judge.resetStats();
    try {
      const f = await createEvaluatorFixture(jf.db, { rows: 8 });
      const uid = await startExecution(jf, ref(f), { split: 'test', concurrency: 4, sync: true });
      const [status, results] = await pollExecution(jf, f.evaluatorUid, uid);
      expect(status).toBe('completed');
      expect(Object.values(results).every((r) => typeof r.score === 'number')).toBe(true);
      expect(Object.keys(results)).toHaveLength(8);
      expect(judge.stats().byStatus[429]).toBe(3);
      expect(judge.stats().byStatus[500]).toBe(2);
    } finally {
      judge.configure({ rateLimit: undefined, serverErrors: undefined });
    }
  });

  it('records an unparseable answer as a row error after the allowed attempts, and goes on', async () => {
    const f = await createEvaluatorFixture(jf.db, { rows: 3, modelName: 'local-judge:malformed' });
    const uid = await startExecution(jf, ref(f), { split: 'test', sync: true });
    const [status, results] = await pollExecution(jf, f.evaluatorUid, uid);
    expect(status).toBe('completed');
    expect(Object.keys(results)).toHaveLength(3);
    for (const r of Object.values(results)) {
      expect(r.score).toBeNull();
      expect(r.error).toMatch(/after 3 attempts/);
    }
  });
});
