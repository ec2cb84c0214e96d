/**
 * Executions under faults: cancellation (SDK signal and Temporal's own cancel), fatal model errors, rate
 * limits, server errors and unusable answers — on the real dev server, PostgreSQL and local judge server.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PromptEvaluator, type Judgeflow } from '../../src';
import { createJudgeClient } from '../../src/llm/judge';
import type { JudgeServer } from '../../tools/judge-server';
import { evaluatorExecutionWorkflowId } from '../../src/shared/workflow-ids';
import { connectTestClient } from '../support/context';
import { createEvaluatorFixture, type EvaluatorFixture } from '../support/fixtures';
import { startJudgedClient, type JudgedClient } from '../support/judged-client';
import { startTestWorker } from '../support/worker';
import { resultRows, waitUntil } from '../support/results';

let stack: JudgedClient;
let jf: Judgeflow;
let judge: JudgeServer;

beforeAll(async () => {
  stack = await startJudgedClient(`faults-${process.pid}`, {
    apiKey: 'good-key',
    judge: { requireApiKey: 'good-key' },
  });
  ({ jf, judge } = stack);
});

afterAll(async () => {
  await stack?.stop();
});

const waitForDone = (f: EvaluatorFixture, uid: number, atLeast: number) =>
  waitUntil(`${atLeast} rows are done`, async () => (await f.evaluator.getExecutionProgress(uid)).done >= atLeast);

describe('cancellation', () => {
  it('through the SDK signal: stops scheduling, aborts in-flight calls, keeps results, records cancelled', async () => {
    const f = await createEvaluatorFixture(jf, { rows: 40, modelName: 'local-judge:latency=1500' });
    const uid = await f.evaluator.execute({ split: 'test', concurrency: 4 });
    await waitForDone(f, uid, 4);
    const abortedBefore = judge.stats().aborted;
    await f.evaluator.cancelExecution(uid);
    const [status] = await f.evaluator.pollExecutionResult(uid, { sync: true });
    expect(status).toBe('cancelled');
    const rows = await resultRows(jf.db, uid);
    expect(rows.length).toBeGreaterThanOrEqual(4);
    expect(rows.length).toBeLessThan(40);
    expect(rows.every((r) => r.score !== null)).toBe(true);
    // In-flight requests were aborted (the activities heartbeat and see the cancellation).
    await waitUntil('the judge saw an aborted request', () => judge.stats().aborted > abortedBefore, 10_000);
    // Nothing else starts afterwards.
    const requests = judge.stats().requests;
    await new Promise((r) => setTimeout(r, 2000));
    expect(judge.stats().requests).toBe(requests);
    expect((await resultRows(jf.db, uid)).length).toBe(rows.length);
  });

  it("through Temporal's own cancel (the Web UI button) ends the same way", async () => {
    const f = await createEvaluatorFixture(jf, { rows: 40, modelName: 'local-judge:latency=1000' });
    const uid = await f.evaluator.execute({ split: 'test', concurrency: 4 });
    await waitForDone(f, uid, 4);
    const handle = (await jf.temporal()).workflow.getHandle(
      evaluatorExecutionWorkflowId(jf.instanceId, f.evaluatorUid, uid),
    );
    await handle.cancel();
    await expect(handle.result()).rejects.toThrow();
    expect((await handle.describe()).status.name).toBe('CANCELLED');
    const [status, results] = await f.evaluator.pollExecutionResult(uid);
    expect(status).toBe('cancelled');
    expect(Object.keys(results).length).toBeGreaterThanOrEqual(4);
    expect(Object.keys(results).length).toBeLessThan(40);
  });
});

describe('model errors', () => {
  it('a rejected API key fails the execution fast with a clear reason, not one error per row', async () => {
    const f = await createEvaluatorFixture(jf, { rows: 50 });
    const badWorker = `bad-key-${process.pid}`;
    const bad = await connectTestClient(badWorker);
    bad.config.openai.baseUrl = judge.url;
    const w = await startTestWorker(bad, createJudgeClient({ baseUrl: judge.url, apiKey: 'wrong-key' }));
    try {
      const before = judge.stats().byStatus[401] ?? 0;
      const evaluator = await PromptEvaluator.get(f.evaluatorUid, bad);
      const uid = await evaluator.execute({ split: 'test', concurrency: 4, sync: true });
      const [status, results] = await evaluator.pollExecutionResult(uid);
      expect(status).toBe('failed');
      expect(Object.keys(results)).toHaveLength(0);
      const { rows } = await bad.db.query<{ error: string }>(`SELECT error FROM evaluator_executions WHERE uid = $1`, [
        uid,
      ]);
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
    const f = await createEvaluatorFixture(jf, { rows: 5, modelName: 'local-judge:status=404' });
    const uid = await f.evaluator.execute({ split: 'test', sync: true });
    const [status] = await f.evaluator.pollExecutionResult(uid);
    expect(status).toBe('failed');
    const { rows } = await jf.db.query<{ error: string }>(`SELECT error FROM evaluator_executions WHERE uid = $1`, [
      uid,
    ]);
    expect(rows[0]?.error).toMatch(/404|model/i);
  });

  it('retries 429s after retry-after and 500s, then scores every row', async () => {
    judge.configure({ rateLimit: { firstN: 3, retryAfterSeconds: 1 }, serverErrors: { firstN: 2 } });
    judge.resetStats();
    try {
      const f = await createEvaluatorFixture(jf, { rows: 8 });
      const uid = await f.evaluator.execute({ split: 'test', concurrency: 4, sync: true });
      const [status, results] = await f.evaluator.pollExecutionResult(uid);
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
    const f = await createEvaluatorFixture(jf, { rows: 3, modelName: 'local-judge:malformed' });
    const uid = await f.evaluator.execute({ split: 'test', sync: true });
    const [status, results] = await f.evaluator.pollExecutionResult(uid);
    expect(status).toBe('completed');
    expect(Object.keys(results)).toHaveLength(3);
    for (const r of Object.values(results)) {
      expect(r.score).toBeNull();
      expect(r.error).toMatch(/after 3 attempts/);
    }
  });
});
