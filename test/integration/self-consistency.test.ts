/**
 * Trustworthy verdicts, first part, on the real dev server, PostgreSQL and the local judge server's simulated
 * judges (tools/simulated-judge.ts, a known accuracy per sample): every request carries the criteria's answer schema;
 * several samples per row recover the accuracy self-consistency predicts, with a confidence that is calibrated; each
 * sample is paid for once (one request with `n`, or one request each through server errors), kept, reused from the
 * cache; bad options are refused by name.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidAggregationError, InvalidSamplesError, type Judgeflow } from '../../src';
import type { JudgeServer } from '../../tools/judge-server';
import { truthMarker } from '../../tools/simulated-judge';
import { runCli } from '../support/cli';
import { createEvaluatorFixture, type EvaluatorFixture } from '../support/fixtures';
import { startJudgedClient, type JudgedClient } from '../support/judged-client';
import { waitUntil } from '../support/results';

let stack: JudgedClient;
let jf: Judgeflow;
let judge: JudgeServer;

beforeAll(async () => {
  stack = await startJudgedClient(`samples-${process.pid}`);
  ({ jf, judge } = stack);
});

afterAll(async () => {
  await stack?.stop();
});

/** A fixture whose datapoint i carries the truth i % 2 for the simulated judge `model`. */
async function truthFixture(rows: number, model: string): Promise<EvaluatorFixture> {
  const f = await createEvaluatorFixture(jf, { rows, modelName: model });
  await jf.db.query(
    `UPDATE datapoints SET data = jsonb_set(data, '{response}',
       to_jsonb('answer ' || position || ' ' || CASE WHEN position % 2 = 0 THEN $2 ELSE $3 END))
     WHERE dataset_uid = $1`,
    [f.datasetUid, truthMarker(0), truthMarker(1)],
  );
  return f;
}
const truthOfRow = (xUid: string) => Number(xUid.slice('row-'.length)) % 2;

interface StoredRow {
  x_uid: string;
  score: number | null;
  confidence: number | null;
  expected_score: number | null;
  samples: { score: number | null; rationale: string | null }[] | null;
  prompt_tokens: number;
  completion_tokens: number;
  attempts: number;
}
const storedRows = async (executionUid: number) =>
  (
    await jf.db.query<StoredRow>(
      `SELECT x_uid, score, confidence, expected_score, samples, prompt_tokens, completion_tokens, attempts
         FROM evaluator_results WHERE execution_uid = $1 ORDER BY x_uid`,
      [executionUid],
    )
  ).rows;
const sampleCount = async (executionUid: number) =>
  (
    await jf.db.query<{ n: number; scored: number }>(
      `SELECT count(*)::int AS n, count(score)::int AS scored FROM evaluator_samples WHERE execution_uid = $1`,
      [executionUid],
    )
  ).rows[0]!;
/** Runs `fn` with `settings` as the model's JUDGEFLOW_MODELS entry on the in-process worker's config. */
async function withModelSettings<T>(
  model: string,
  settings: Judgeflow['config']['modelConfigs'][string],
  fn: () => Promise<T>,
) {
  const before = jf.config.modelConfigs;
  jf.config.modelConfigs = { ...before, [model]: settings };
  try {
    return await fn();
  } finally {
    jf.config.modelConfigs = before;
  }
}
const accuracy = (rows: StoredRow[]) => rows.filter((r) => r.score === truthOfRow(r.x_uid)).length / rows.length;

describe('structured output', () => {
  it("sends the criteria's json_schema unless the model opts out or the version sets its own format", async () => {
    const f = await createEvaluatorFixture(jf, { rows: 4 });
    judge.resetStats();
    await f.evaluator.execute({ split: 'test', sync: true });
    expect(judge.stats().responseFormats).toEqual({ json_schema: 4 });

    const model = 'local-judge:latency=1';
    const g = await createEvaluatorFixture(jf, { rows: 3, modelName: model });
    await withModelSettings(model, { structuredOutputs: false }, async () => {
      judge.resetStats();
      await g.evaluator.execute({ split: 'test', sync: true });
      expect(judge.stats().responseFormats).toEqual({ none: 3 });
    });

    const h = await createEvaluatorFixture(jf, { rows: 2 });
    await jf.db.query(
      `UPDATE prompt_versions SET fm_hyperparameters = '{"response_format": {"type": "json_object"}}'
        WHERE prompt_workflow_uid = $1`,
      [h.promptWorkflowUid],
    );
    judge.resetStats();
    await h.evaluator.execute({ split: 'test', sync: true });
    expect(judge.stats().responseFormats).toEqual({ json_object: 2 });
  });
});

describe('self-consistency', () => {
  const ROWS = 400;

  it('five samples by majority recover the accuracy the binomial predicts, in one request per row', async () => {
    const model = 'local-judge:accuracy=0.7:seed=majority';
    const f = await truthFixture(ROWS, model);
    const single = await f.evaluator.execute({ split: 'test', sync: true, concurrency: 16 });
    judge.resetStats();
    const sampled = await f.evaluator.execute({ split: 'test', sync: true, concurrency: 16, samples: 5 });
    const stats = judge.stats();
    // `n` = 5: the prompt is sent once per row, five choices come back.
    expect(stats.requests).toBe(ROWS);
    expect(stats.choices).toBe(ROWS * 5);
    expect(await sampleCount(sampled)).toEqual({ n: ROWS * 5, scored: ROWS * 5 });

    const one = await storedRows(single);
    const five = await storedRows(sampled);
    // P(correct) of one sample is 0.7; of a majority of five, P(Binomial(5, 0.7) >= 3) = 0.83692. Binomial sd at
    // n 400: 0.023 and 0.018; the bounds are 3 sd.
    expect(Math.abs(accuracy(one) - 0.7)).toBeLessThan(0.07);
    expect(Math.abs(accuracy(five) - 0.83692)).toBeLessThan(0.055);
    expect(accuracy(five)).toBeGreaterThan(accuracy(one) + 0.05);

    for (const r of five) {
      expect(r.samples).toHaveLength(5);
      const scores = r.samples!.map((s) => s.score!);
      const agree = scores.filter((s) => s === r.score).length;
      expect(agree).toBeGreaterThanOrEqual(3);
      expect(r.confidence).toBeCloseTo(agree / 5, 12);
      expect(r.expected_score).toBeCloseTo(scores.reduce((a, b) => a + b, 0) / 5, 12);
    }
    // The prompt is paid once per row: a sampled row's prompt tokens are a single request's.
    const base = new Map(one.map((r) => [r.x_uid, r]));
    for (const r of five) expect(r.prompt_tokens).toBe(base.get(r.x_uid)!.prompt_tokens);

    // Calibrated: unanimous rows are right about 0.7^5 / (0.7^5 + 0.3^5) = 98.6 % of the time, 3-of-5 rows 70 %.
    const unanimous = five.filter((r) => r.confidence === 1);
    const split = five.filter((r) => r.confidence === 0.6);
    expect(accuracy(unanimous)).toBeGreaterThan(0.95);
    expect(accuracy(split)).toBeLessThan(0.85);
    expect(unanimous.length).toBeGreaterThan(50);
    expect(split.length).toBeGreaterThan(50);

    // The SDK's results carry the same.
    const results = await f.evaluator.getExecutionResult(sampled);
    const first = five[0]!;
    expect(results[first.x_uid]).toMatchObject({
      score: first.score,
      confidence: first.confidence,
      expectedScore: first.expected_score,
      samples: first.samples,
    });
  });

  it('at temperature 0 every sample repeats the first: confidence 1 on every row', async () => {
    const f = await truthFixture(40, 'local-judge:accuracy=0.6:seed=greedy');
    await jf.db.query(
      `UPDATE prompt_versions SET fm_hyperparameters = '{"temperature": 0}' WHERE prompt_workflow_uid = $1`,
      [f.promptWorkflowUid],
    );
    const uid = await f.evaluator.execute({ split: 'test', sync: true, samples: 3 });
    const rows = await storedRows(uid);
    expect(rows).toHaveLength(40);
    expect(rows.every((r) => r.confidence === 1)).toBe(true);
  });

  it('one request per sample (`sampling: requests`) through server errors: each sample answered exactly once', async () => {
    const model = 'local-judge:accuracy=0.7:seed=requests';
    const f = await truthFixture(60, model);
    judge.configure({ serverErrors: { everyNth: 7 } });
    try {
      await withModelSettings(model, { sampling: 'requests' }, async () => {
        judge.resetStats();
        const uid = await f.evaluator.execute({ split: 'test', sync: true, concurrency: 8, samples: 5 });
        const stats = judge.stats();
        expect(stats.byStatus[500]).toBeGreaterThan(20);
        // Every answered request is one sample kept: nothing asked twice after a sibling's failure.
        expect(stats.byStatus[200]).toBe(60 * 5);
        expect(stats.choices).toBe(60 * 5);
        expect(await sampleCount(uid)).toEqual({ n: 300, scored: 300 });
        const rows = await storedRows(uid);
        expect(rows.every((r) => r.score !== null && r.samples!.length === 5)).toBe(true);
      });
    } finally {
      judge.configure({ serverErrors: undefined });
    }
  });

  it('an unusable sample is asked for again, alone, and what the unusable answer cost stays on the row', async () => {
    const model = 'local-judge:accuracy=0.7:seed=unusable';
    const f = await truthFixture(30, model);
    const single = await storedRows(await f.evaluator.execute({ split: 'test', sync: true }));
    judge.configure({ malformed: { everyNth: 11 } });
    try {
      judge.resetStats();
      const uid = await f.evaluator.execute({ split: 'test', sync: true, samples: 4 });
      const stats = judge.stats();
      const rows = await storedRows(uid);
      expect(rows.every((r) => r.score !== null && r.samples!.every((s) => s.score !== null))).toBe(true);
      const retried = rows.filter((r) => r.attempts > 1);
      expect(retried.length).toBeGreaterThan(3);
      // One request per row attempt; a retry asks only for the unusable samples: every 11th choice was malformed,
      // and each of those was asked for once more.
      expect(stats.requests).toBe(rows.reduce((a, r) => a + r.attempts, 0));
      expect(stats.choices).toBe(30 * 4 + Math.floor(stats.choices / 11));
      const base = new Map(single.map((r) => [r.x_uid, r.prompt_tokens]));
      for (const r of retried) expect(r.prompt_tokens).toBe(r.attempts * base.get(r.x_uid)!);
    } finally {
      judge.configure({ malformed: undefined });
    }
  });

  it('a budget counts every sample: it pauses mid-run, and a raise finishes with each sample bought once', async () => {
    const f = await truthFixture(30, 'local-judge:accuracy=0.7:seed=budget:latency=50');
    judge.resetStats();
    // Five samples of one row cost about 5 × 27 completion tokens on top of its prompt: this is some ten rows.
    const uid = await f.evaluator.execute({ split: 'test', samples: 5, concurrency: 3, budget: { maxTokens: 3_000 } });
    await waitUntil('the budget pauses it', async () => {
      const p = await f.evaluator.getExecutionProgress(uid);
      return p.paused?.by === 'budget' && p.inFlight === 0;
    });
    const paused = await f.evaluator.getExecutionProgress(uid);
    expect(paused.done).toBeGreaterThan(0);
    expect(paused.done).toBeLessThan(30);
    expect(paused.spend.tokens).toBeLessThanOrEqual(3_000);
    // The spend the workflow counts is every sample's: the stored rows' tokens sum to it.
    const { rows: spent } = await jf.db.query<{ tokens: number }>(
      `SELECT coalesce(sum(prompt_tokens + completion_tokens), 0)::int AS tokens FROM evaluator_results WHERE execution_uid = $1`,
      [uid],
    );
    expect(paused.spend.tokens).toBe(spent[0]!.tokens);
    await f.evaluator.setExecutionBudget(uid, { maxTokens: 1_000_000 });
    const [status] = await f.evaluator.pollExecutionResult(uid, { sync: true });
    expect(status).toBe('completed');
    expect(judge.stats().choices).toBe(30 * 5);
    expect(await sampleCount(uid)).toEqual({ n: 150, scored: 150 });
  });

  it('a re-run with the cache reuses every sample and calls the model zero times', async () => {
    const f = await truthFixture(20, 'local-judge:accuracy=0.7:seed=cache');
    const first = await f.evaluator.execute({ split: 'test', sync: true, samples: 3, cache: true });
    judge.resetStats();
    const again = await f.evaluator.execute({ split: 'test', sync: true, samples: 3, cache: true });
    expect(judge.stats().requests).toBe(0);
    const a = await storedRows(first);
    const b = await storedRows(again);
    expect(b.map((r) => [r.x_uid, r.score, r.samples])).toEqual(a.map((r) => [r.x_uid, r.score, r.samples]));
    expect(b.every((r) => r.prompt_tokens === 0 && r.completion_tokens === 0)).toBe(true);
  });

  it('refuses samples outside 1..20 or not an integer, and an unknown aggregation, naming the value', async () => {
    const f = await createEvaluatorFixture(jf, { rows: 1 });
    for (const samples of [0, 21, 2.5, '3'])
      await expect(f.evaluator.execute({ split: 'test', samples: samples as number })).rejects.toThrow(
        new InvalidSamplesError(samples, 20),
      );
    await expect(f.evaluator.execute({ split: 'test', samples: 3, aggregation: 'mode' as 'majority' })).rejects.toThrow(
      /aggregation must be one of "majority", "median", "mean", got "mode"/,
    );
    await expect(f.evaluator.execute({ split: 'test', aggregation: 'mode' as 'majority' })).rejects.toBeInstanceOf(
      InvalidAggregationError,
    );
  });

  it('from the command line: --samples and --aggregation run it, the results show how many samples agree', async () => {
    const f = await truthFixture(6, 'local-judge:accuracy=0.7:seed=cli');
    const cli = (...args: string[]) => runCli(jf.config.temporal.taskQueue, args);
    const execute = (...flags: string[]) =>
      cli('evaluator', 'execute', String(f.evaluatorUid), '--split', 'test', ...flags);
    const run = await execute('--samples', '3', '--sync');
    expect(run.stderr).not.toMatch(/error/i);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/\bagree\b/);
    expect(run.stdout).toMatch(/\b[23]\/3\b/);
    const uid = Number(/execution (\d+) started/.exec(run.stderr)?.[1] ?? NaN);
    const status = await cli('execution', 'status', String(uid));
    expect(status.stdout).toMatch(/verdict:\s+3 samples, majority/);

    const tooMany = await execute('--samples', '21');
    expect(tooMany.code).not.toBe(0);
    expect(tooMany.stderr).toMatch(/samples must be an integer from 1 to 20, got 21/);
    const badRule = await execute('--aggregation', 'mode');
    expect(badRule.code).not.toBe(0);
    expect(badRule.stderr).toMatch(
      /--aggregation <rule>' argument 'mode' is invalid. Allowed choices are majority, median, mean/,
    );

    const estimate = await execute('--samples', '4', '--dry-run', '--json');
    const one = await execute('--dry-run', '--json');
    const [four, single] = [JSON.parse(estimate.stdout), JSON.parse(one.stdout)];
    // One request with n: the prompt once, four answers.
    expect(four.samples).toBe(4);
    expect(four.inputTokens).toBe(single.inputTokens);
    expect(four.outputTokens).toBe(single.outputTokens * 4);
  });
});
