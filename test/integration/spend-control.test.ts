/**
 * Spend control against the local judge server (which reports usage as OpenAI counts it) and a real worker
 * process: tokens and cost on every row; a budget that pauses mid-run, a worker SIGKILLed while paused, a raise
 * that resumes it with one result per row; pause, resume and setConcurrency; a re-run through the request cache
 * that calls the model zero times with identical results; and the estimate next to the measured tokens.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  BudgetNeedsPriceError,
  Dataset,
  ExecutionNotRunningError,
  InvalidBudgetError,
  InvalidConcurrencyError,
  PromptEvaluator,
  Benchmark,
  Criteria,
  type Judgeflow,
} from '../../src';
import { startJudgeServer, type JudgeServer } from '../../tools/judge-server';
import { spawnWorkerProcess, type WorkerProcess } from '../../tools/worker-process';
import { connectTestClient, uniqueName } from '../support/context';
import { runCli } from '../support/cli';
import { createEvaluatorFixture } from '../support/fixtures';
import { waitUntil } from '../support/results';

// Prices are per model name as asked for, so the local judge's latency switch is a model of its own here.
const PRICES = { 'local-judge': { input: 2, output: 8 }, 'local-judge:latency=100': { input: 2, output: 8 } };
const taskQueue = `spend-${process.pid}`;
let jf: Judgeflow;
let judge: JudgeServer;
let worker: WorkerProcess;

async function startWorker(): Promise<WorkerProcess> {
  return spawnWorkerProcess({
    DATABASE_URL: inject('databaseUrl'),
    TEMPORAL_ADDRESS: inject('temporalAddress'),
    TEMPORAL_TASK_QUEUE: taskQueue,
    OPENAI_BASE_URL: judge.url,
    OPENAI_API_KEY: 'test-key',
    JUDGEFLOW_MODEL_PRICES: JSON.stringify(PRICES),
  });
}

beforeAll(async () => {
  judge = await startJudgeServer();
  jf = await connectTestClient(taskQueue);
  jf.config.openai.baseUrl = judge.url;
  jf.config.spend.prices = PRICES;
  worker = await startWorker();
});

afterAll(async () => {
  await worker?.kill();
  await jf?.close();
  await judge?.close();
});

const stored = async (executionUid: number) =>
  (
    await jf.db.query<{
      x_uid: string;
      score: number | null;
      prompt_tokens: number;
      completion_tokens: number;
      cost_usd: number | null;
      provider_model: string | null;
      cache_hit: boolean;
      cache_source_execution_uid: number | null;
      cache_source_x_uid: string | null;
    }>('SELECT * FROM evaluator_results WHERE execution_uid = $1 ORDER BY x_uid', [executionUid])
  ).rows;

describe('usage and cost', () => {
  it('every row stores the tokens the provider reported, the model it names and the cost from the price table', async () => {
    const f = await createEvaluatorFixture(jf, { rows: 6 });
    const uid = await f.evaluator.execute({ split: 'test', sync: true });
    const rows = await stored(uid);
    expect(rows).toHaveLength(6);
    for (const r of rows) {
      expect(r.prompt_tokens).toBeGreaterThan(50);
      expect(r.completion_tokens).toBeGreaterThan(5);
      expect(r.provider_model).toBe('local-judge');
      expect(r.cost_usd).toBeCloseTo((r.prompt_tokens * 2 + r.completion_tokens * 8) / 1e6, 12);
    }
    const [, results] = await f.evaluator.pollExecutionResult(uid);
    const first = results[rows[0]!.x_uid]!;
    expect(first.usage).toEqual({
      promptTokens: rows[0]!.prompt_tokens,
      completionTokens: rows[0]!.completion_tokens,
      totalTokens: rows[0]!.prompt_tokens + rows[0]!.completion_tokens,
      model: 'local-judge',
    });
    expect(first.costUsd).toBe(rows[0]!.cost_usd);
    const progress = await f.evaluator.getExecutionProgress(uid);
    expect(progress.spend.tokens).toBe(rows.reduce((n, r) => n + r.prompt_tokens + r.completion_tokens, 0));
    expect(progress.spend.costUsd).toBeCloseTo(
      rows.reduce((n, r) => n + r.cost_usd!, 0),
      12,
    );
  });
});

describe('budgets', () => {
  it('pause mid-run, survive a worker SIGKILL while paused, and a raise finishes the run with one result per row', async () => {
    const f = await createEvaluatorFixture(jf, { rows: 30, modelName: 'local-judge:latency=100' });
    // About a third of the rows' tokens.
    const perRow = 130;
    const uid = await f.evaluator.execute({ split: 'test', concurrency: 3, budget: { maxTokens: perRow * 10 } });
    await waitUntil(
      'the budget pauses it and its rows in flight finish',
      async () => {
        const p = await f.evaluator.getExecutionProgress(uid);
        return p.paused?.by === 'budget' && p.inFlight === 0;
      },
      60_000,
    );
    const paused = await f.evaluator.getExecutionProgress(uid);
    expect(paused.paused!.reason).toMatch(
      /^budget: spent \d+ of 1300 tokens; the next row \(about \d+ tokens\) would exceed it/,
    );
    expect(paused.spend.tokens).toBeLessThanOrEqual(1300);
    // It stays paused: nothing more is judged, and the reference's status set says running.
    await new Promise((r) => setTimeout(r, 1_000));
    const still = await f.evaluator.getExecutionProgress(uid);
    expect(still.done).toBe(paused.done);
    expect(still.done).toBeLessThan(30);
    expect((await f.evaluator.pollExecutionResult(uid))[0]).toBe('running');

    await worker.kill();
    worker = await startWorker();
    const afterCrash = await f.evaluator.getExecutionProgress(uid);
    expect(afterCrash.paused?.by).toBe('budget');
    expect(afterCrash.done).toBe(paused.done);

    const raised = await f.evaluator.setExecutionBudget(uid, { maxTokens: 1_000_000 });
    expect(raised.budget).toEqual({ maxTokens: 1_000_000 });
    const [status, results] = await f.evaluator.pollExecutionResult(uid, { sync: true });
    expect(status).toBe('completed');
    expect(Object.keys(results).sort()).toEqual([...f.xUids].sort());
    const { rows } = await jf.db.query<{ n: number; distinct: number }>(
      'SELECT count(*)::int AS n, count(DISTINCT x_uid)::int AS distinct FROM evaluator_results WHERE execution_uid = $1',
      [uid],
    );
    expect(rows[0]).toEqual({ n: 30, distinct: 30 });
  });

  it('a budget below one row pauses at once (documented), and the cost budget of a priced model works alike', async () => {
    const f = await createEvaluatorFixture(jf, { rows: 5 });
    const uid = await f.evaluator.execute({ split: 'test', budget: { maxCostUsd: 0.000001 } });
    await waitUntil('it pauses', async () => (await f.evaluator.getExecutionProgress(uid)).paused?.by === 'budget');
    const p = await f.evaluator.getExecutionProgress(uid);
    expect(p.done).toBe(0);
    expect(p.paused!.reason).toMatch(/^budget: spent \$0\.0000 of \$0\.000001/);
    await f.evaluator.setExecutionBudget(uid, {});
    expect((await f.evaluator.pollExecutionResult(uid, { sync: true }))[0]).toBe('completed');
  });

  it('bad budgets are typed errors naming the value, before anything starts', async () => {
    const f = await createEvaluatorFixture(jf, { rows: 2 });
    await expect(f.evaluator.execute({ split: 'test', budget: { maxCostUsd: -5 } })).rejects.toThrow(
      InvalidBudgetError,
    );
    await expect(
      f.evaluator.execute({ split: 'test', budget: { maxTokens: 'lots' as unknown as number } }),
    ).rejects.toThrow(/maxTokens must be a number > 0, got "lots"/);
    jf.config.spend.prices = {};
    try {
      await expect(f.evaluator.execute({ split: 'test', budget: { maxCostUsd: 1 } })).rejects.toThrow(
        BudgetNeedsPriceError,
      );
    } finally {
      jf.config.spend.prices = PRICES;
    }
    expect(await f.evaluator.getExecutions()).toEqual([]);
  });
});

describe('live control', () => {
  it('pause stops scheduling, resume goes on, setConcurrency changes the window; each answers with the new state', async () => {
    // Slow enough (about 4.5 s) that the pause lands mid-run: Updates reach a workflow whose rows run as local
    // activities at its next workflow task, within about 1.6 s (EXECUTION_WORKFLOW_TASK_TIMEOUT).
    const f = await createEvaluatorFixture(jf, { rows: 60, modelName: 'local-judge:latency=300' });
    const uid = await f.evaluator.execute({ split: 'test', concurrency: 4 });
    await waitUntil('rows are judged', async () => (await f.evaluator.getExecutionProgress(uid)).done >= 4);
    const pausedNow = await f.evaluator.pauseExecution(uid);
    expect(pausedNow.paused).toEqual({ by: 'user', reason: 'paused by a user — resume to go on' });
    await waitUntil('in-flight rows finish', async () => (await f.evaluator.getExecutionProgress(uid)).inFlight === 0);
    const held = (await f.evaluator.getExecutionProgress(uid)).done;
    await new Promise((r) => setTimeout(r, 600));
    expect((await f.evaluator.getExecutionProgress(uid)).done).toBe(held);
    expect(held).toBeLessThan(60);

    const narrowed = await f.evaluator.setExecutionConcurrency(uid, 2);
    expect(narrowed.concurrency).toEqual({ effective: 2, max: 2 });
    await expect(f.evaluator.setExecutionConcurrency(uid, 0)).rejects.toThrow(InvalidConcurrencyError);
    await expect(f.evaluator.setExecutionConcurrency(uid, 10_000)).rejects.toThrow(/from 1 to \d+.*got 10000/);

    const resumed = await f.evaluator.resumeExecution(uid);
    expect(resumed.paused).toBeUndefined();
    const [status, results] = await f.evaluator.pollExecutionResult(uid, { sync: true });
    expect(status).toBe('completed');
    expect(Object.keys(results)).toHaveLength(60);
    await expect(f.evaluator.pauseExecution(uid)).rejects.toThrow(ExecutionNotRunningError);
    await expect(f.evaluator.pauseExecution(uid)).rejects.toThrow(
      new RegExp(`cannot pause: execution ${uid} has already finished \\(completed\\)`),
    );
  });
});

describe('request cache', () => {
  it('a re-run with the cache calls the model zero times, gives identical results, and names the rows that paid', async () => {
    // A prompt of its own: rows of other tests with the same request would be cache sources too (rightly).
    const userPrompt = `Question: {{question}}\nAnswer: {{response}}\n(${uniqueName('cache')})`;
    const f = await createEvaluatorFixture(jf, { rows: 12, userPrompt });
    const first = await f.evaluator.execute({ split: 'test', sync: true });
    judge.resetStats();
    const again = await f.evaluator.execute({ split: 'test', sync: true, cache: true });
    expect(judge.stats().requests).toBe(0);
    const [a, b] = [await stored(first), await stored(again)];
    expect(b.map((r) => [r.x_uid, r.score])).toEqual(a.map((r) => [r.x_uid, r.score]));
    for (const r of b) {
      expect(r).toMatchObject({ cache_hit: true, cost_usd: 0, prompt_tokens: 0, completion_tokens: 0 });
      expect([r.cache_source_execution_uid, r.cache_source_x_uid]).toEqual([first, r.x_uid]);
    }
    const [, results] = await f.evaluator.pollExecutionResult(again);
    expect(results['row-0']!.cachedFrom).toEqual({ executionUid: first, xUid: 'row-0' });
    expect((await f.evaluator.getExecutionProgress(again)).spend).toMatchObject({
      tokens: 0,
      costUsd: 0,
      cacheHits: 12,
    });

    // Without the cache, the same request is bought again.
    await f.evaluator.execute({ split: 'test', sync: true });
    expect(judge.stats().requests).toBe(12);
  });

  it('never reuses an answer once the request changes (a new prompt version)', async () => {
    const f = await createEvaluatorFixture(jf, { rows: 4 });
    await f.evaluator.execute({ split: 'test', sync: true });
    await f.evaluator.update({ userPrompt: 'Question: {{question}}\nAnswer: {{response}}!', modelName: 'local-judge' });
    judge.resetStats();
    const uid = await f.evaluator.execute({ split: 'test', sync: true, cache: true });
    expect(judge.stats().requests).toBe(4);
    expect((await stored(uid)).every((r) => !r.cache_hit)).toBe(true);
  });
});

describe('estimates', () => {
  it('on the demo dataset: within 10 % of the tokens measured, before and after one run of the version', async () => {
    const dataset = await Dataset.fromCsv(
      path.resolve(import.meta.dirname, '../../examples/data/support-answers.csv'),
      {
        name: uniqueName('estimate'),
      },
    );
    const benchmark = await Benchmark.create({ name: uniqueName('estimate'), datasetUid: dataset.datasetUid }, jf);
    const criteria = await Criteria.create(
      {
        benchmarkUid: benchmark.benchmarkUid,
        name: 'helpfulness',
        description: 'Does the answer solve the customer question?',
        labels: [
          { name: 'unhelpful', score: 0, description: 'does not answer the question' },
          { name: 'partly helpful', score: 1, description: 'answers part of it, or vaguely' },
          { name: 'helpful', score: 2, description: 'answers it fully and concretely' },
        ],
      },
      jf,
    );
    const evaluator = await PromptEvaluator.create(
      {
        criteriaUid: criteria.criteriaUid,
        systemPrompt: 'You review customer-support answers for a software product.',
        userPrompt: 'Customer question: {{question}}\nSupport answer: {{response}}',
        modelName: 'local-judge',
      },
      jf,
    );
    const measure = async () => {
      const uid = await evaluator.execute({ split: 'dev', sync: true });
      const rows = await stored(uid);
      return rows.reduce((n, r) => n + r.prompt_tokens + r.completion_tokens, 0);
    };
    const before = await evaluator.estimate({ split: 'dev' });
    expect(before).toMatchObject({ rows: 15, outputTokensFrom: 'default', tokenizer: { approximate: true } });
    expect(before.costUsd).toBeCloseTo((before.inputTokens * 2 + before.outputTokens * 8) / 1e6, 12);
    const measured = await measure();
    expect(Math.abs(before.totalTokens - measured) / measured).toBeLessThan(0.1);

    const after = await evaluator.estimate({ split: 'dev' });
    expect(after.outputTokensFrom).toBe('past executions');
    expect(after.seconds).not.toBeNull();
    expect(Math.abs(after.totalTokens - (await measure())) / measured).toBeLessThan(0.1);
  });
});

describe('the command line', () => {
  const cli = (...args: string[]) => runCli(taskQueue, args, { JUDGEFLOW_MODEL_PRICES: JSON.stringify(PRICES) });

  it('--dry-run estimates and runs nothing', async () => {
    const f = await createEvaluatorFixture(jf, { rows: 7 });
    const human = await cli('evaluator', 'execute', String(f.evaluatorUid), '--split', 'test', '--dry-run');
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).toMatch(
      /^estimate: +evaluator \d+, version v1 \(local-judge\), split test\nrows: +7\ntokens: +\d+ \(\d+ input \+ 280 output, o200k_base\)\ncost: +\$0\.\d{4}\n/,
    );
    expect(human.stdout).toContain('Nothing was run (--dry-run).');
    const json = await cli('--json', 'benchmark', 'execute', String(f.benchmarkUid), '--splits', 'test', '--dry-run');
    expect(JSON.parse(json.stdout)).toMatchObject({ rows: 7, executions: [{ evaluatorUid: f.evaluatorUid, rows: 7 }] });
    expect(await f.evaluator.getExecutions()).toEqual([]);
  });

  it('a budget, its pause in execution status, set-budget, and pause / resume / set-concurrency', async () => {
    const f = await createEvaluatorFixture(jf, { rows: 12, modelName: 'local-judge:latency=100' });
    const started = await cli(
      '--json',
      'evaluator',
      'execute',
      String(f.evaluatorUid),
      '--split',
      'test',
      '--concurrency',
      '2',
      '--budget-tokens',
      '400',
    );
    expect(started.code, started.stderr).toBe(0);
    const uid = (JSON.parse(started.stdout) as { executionUid: number }).executionUid;
    await waitUntil(
      'the budget pauses it',
      async () => (await f.evaluator.getExecutionProgress(uid)).paused?.by === 'budget',
    );
    const status = await cli('execution', 'status', String(uid));
    expect(status.stdout).toMatch(/\npaused: +budget: spent \d+ of 400 tokens/);
    expect(status.stdout).toMatch(/\nbudget: +400 tokens\n/);
    expect(status.stdout).toMatch(/\nspend: +\d+ tokens \(\d+ prompt \+ \d+ completion\), \$0\.\d{4}, 0 cache hits\n/);

    const paused = await cli('--json', 'execution', 'pause', String(uid));
    expect(JSON.parse(paused.stdout).paused).toEqual({ by: 'user', reason: 'paused by a user — resume to go on' });
    const narrowed = await cli('--json', 'execution', 'set-concurrency', String(uid), '1');
    expect(JSON.parse(narrowed.stdout).concurrency.max).toBe(1);
    const lifted = await cli('execution', 'set-budget', String(uid));
    expect(lifted.stdout).toMatch(/^execution \d+: budget set to none\nstate: +paused: paused by a user/);
    const resumed = await cli('execution', 'resume', String(uid));
    expect(resumed.code, resumed.stderr).toBe(0);
    const watched = await cli('--json', 'execution', 'watch', String(uid));
    expect(JSON.parse(watched.stdout)).toMatchObject({ status: 'completed', done: 12, errors: 0 });
    const late = await cli('execution', 'pause', String(uid));
    expect(late.code).toBe(1);
    expect(late.stderr).toMatch(/cannot pause: execution \d+ has already finished \(completed\)/);
    const bad = await cli('evaluator', 'execute', String(f.evaluatorUid), '--split', 'test', '--budget-usd', '-3');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/--budget-usd.*expected a positive number in plain decimal .*, got "-3"/);
  });
});
