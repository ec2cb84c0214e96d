/**
 * The model rate limit every worker shares (JUDGEFLOW_MODELS rpm / tpm, enforced through PostgreSQL): two workers on
 * one task queue together stay within the limit; a turn too far away sends the row back to the workflow, which
 * retries it later; the provider's `x-ratelimit-remaining-requests: 0` holds every worker until its window resets;
 * a model's maxConcurrency caps an execution's rows in flight; a model's own endpoint and key variable. Across
 * worker processes on the real cluster: test/e2e/cluster.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ModelConfig } from '../../src/config';
import type { Judgeflow } from '../../src';
import { createJudgeClient } from '../../src/llm/judge';
import { startJudgeServer, type JudgeServer } from '../../tools/judge-server';
import { connectTestClient } from '../support/context';
import { createEvaluatorFixture } from '../support/fixtures';
import { startTestWorker, type TestWorker } from '../support/worker';
import { evaluatorExecutionWorkflowId } from '../../src/shared/workflow-ids';

let judge: JudgeServer;
let jf: Judgeflow;
const workers: TestWorker[] = [];
const models: Record<string, ModelConfig> = {
  // 5 requests a second.
  'local-judge': { rpm: 300 },
  // One request every 5 s: the fourth row's turn is 15 s away, beyond the 10 s a row waits inside its activity.
  'local-judge:latency=1': { rpm: 12 },
  'local-judge:latency=2': { rpm: 6000 },
  'local-judge:latency=300': { maxConcurrency: 2 },
  // ~150 tokens a request: at 6000 tokens a minute that is one request about every 1.5 s.
  'local-judge:latency=3': { tpm: 6000 },
};

beforeAll(async () => {
  judge = await startJudgeServer();
  jf = await connectTestClient(`shared-limit-${process.pid}`);
  jf.config.openai = { baseUrl: judge.url, apiKey: 'test-key' };
  jf.config.modelConfigs = models;
  // Two workers on one task queue, each with its own judge client: the limit holds for both together.
  for (let i = 0; i < 2; i++)
    workers.push(await startTestWorker(jf, createJudgeClient({ baseUrl: judge.url, apiKey: 'test-key' })));
});

afterAll(async () => {
  for (const w of workers) await w.stop();
  await jf?.close();
  await judge?.close();
});

async function run(modelName: string, rows: number, concurrency: number) {
  const f = await createEvaluatorFixture(jf, { rows, modelName });
  judge.resetStats();
  const started = Date.now();
  const uid = await f.evaluator.execute({ split: 'test', concurrency, sync: true });
  const seconds = (Date.now() - started) / 1000;
  const { rows: results } = await jf.db.query<{ n: number; scored: number }>(
    'SELECT count(*)::int AS n, count(score)::int AS scored FROM evaluator_results WHERE execution_uid = $1',
    [uid],
  );
  return { uid, evaluatorUid: f.evaluatorUid, seconds, stats: judge.stats(), results: results[0]! };
}

describe("a model's own endpoint (JUDGEFLOW_MODELS baseUrl and apiKeyEnv)", () => {
  it('sends its calls to its endpoint with the key from the variable it names', async () => {
    const own = await startJudgeServer({ requireApiKey: 'own-key' });
    models['local-judge:own'] = { baseUrl: own.url, apiKeyEnv: 'OWN_JUDGE_KEY', apiKey: 'own-key' };
    try {
      const before = judge.stats().requests;
      const { results } = await run('local-judge:own', 3, 3);
      expect(results).toEqual({ n: 3, scored: 3 });
      expect(own.stats().byStatus).toEqual({ 200: 3 });
      expect(judge.stats().requests - before).toBe(0);
    } finally {
      await own.close();
    }
  });

  it('fails the execution in one clear line when the variable with its key is not set on the worker', async () => {
    models['local-judge:keyless'] = { baseUrl: judge.url, apiKeyEnv: 'JUDGEFLOW_TEST_UNSET_KEY' };
    const f = await createEvaluatorFixture(jf, { rows: 3, modelName: 'local-judge:keyless' });
    const uid = await f.evaluator.execute({ split: 'test', sync: true });
    const [status] = await f.evaluator.pollExecutionResult(uid);
    expect(status).toBe('failed');
    const { rows } = await jf.db.query<{ error: string }>('SELECT error FROM evaluator_executions WHERE uid = $1', [
      uid,
    ]);
    expect(rows[0]?.error).toBe(
      'model "local-judge:keyless" takes its API key from JUDGEFLOW_TEST_UNSET_KEY (JUDGEFLOW_MODELS), which is not ' +
        "set in the worker's environment",
    );
  });
});

describe('the shared rate limit', () => {
  it('two workers together send at most the configured requests per minute', async () => {
    const { seconds, stats, results } = await run('local-judge', 30, 16);
    expect(results).toEqual({ n: 30, scored: 30 });
    expect(stats.requests).toBe(30);
    // Turns are 200 ms apart; a timer that fires late can put up to 2 more in some second (README, Production).
    expect(stats.maxPerSecond).toBeLessThanOrEqual(5 + 2);
    expect(((stats.requests - 1) * 1000) / (stats.lastAt! - stats.firstAt!)).toBeLessThanOrEqual(5 * 1.01);
    expect(seconds).toBeGreaterThanOrEqual(29 * 0.2 - 0.1);
  });

  it('a row whose turn is too far away goes back to the workflow and is judged when its turn comes', async () => {
    const { seconds, stats, results, uid, evaluatorUid } = await run('local-judge:latency=1', 4, 4);
    expect(results).toEqual({ n: 4, scored: 4 });
    expect(stats.requests).toBe(4);
    expect(stats.maxPerSecond).toBe(1);
    expect(seconds).toBeGreaterThanOrEqual(14.5);
    const history = await (
      await jf.temporal()
    ).workflow
      .getHandle(evaluatorExecutionWorkflowId(jf.instanceId, evaluatorUid, uid))
      .fetchHistory();
    // Rows are local activities: a deferred attempt is a marker that carries its failure.
    const deferred = (history.events ?? []).filter(
      (e) => e.markerRecordedEventAttributes?.failure?.applicationFailureInfo?.type === 'SharedRateLimitBusy',
    );
    expect(deferred.length).toBeGreaterThanOrEqual(1);
  });

  it("the provider's x-ratelimit-remaining-requests: 0 holds every worker until its window resets", async () => {
    judge.configure({ exhausted: { firstN: 1, resetSeconds: 2 } });
    try {
      const { seconds, results } = await run('local-judge:latency=2', 4, 1);
      expect(results).toEqual({ n: 4, scored: 4 });
      // At 6000 rpm four rows take milliseconds; the first answer said "nothing more for 2 s".
      expect(seconds).toBeGreaterThanOrEqual(2);
    } finally {
      judge.configure({ exhausted: undefined });
    }
  });

  it('tokens per minute space calls by the tokens they use', async () => {
    const { seconds, stats, results } = await run('local-judge:latency=3', 4, 4);
    expect(results).toEqual({ n: 4, scored: 4 });
    expect(stats.maxPerSecond).toBeLessThanOrEqual(2);
    expect(seconds).toBeGreaterThanOrEqual(3);
  });

  it("an estimate's time is at least what the model's shared limit allows", async () => {
    const f = await createEvaluatorFixture(jf, { rows: 4, modelName: 'local-judge:latency=1' });
    const estimate = await f.evaluator.estimate({ split: 'test' });
    // 4 rows at 12 requests a minute: 20 s, though no past run tells the latency.
    expect(estimate.seconds).toBe(20);
    expect(estimate.notes.join(' ')).toContain("at least the model's shared rate limit allows");
  });

  it("a model's maxConcurrency caps the rows an execution has in flight", async () => {
    const { stats, results } = await run('local-judge:latency=300', 8, 8);
    expect(results).toEqual({ n: 8, scored: 8 });
    expect(stats.maxInFlight).toBe(2);
  });
});
