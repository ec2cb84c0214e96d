/**
 * Logprob scoring on the real dev server, PostgreSQL and the local judge server's simulated judges, whose score
 * token carries the judge's known probabilities: the stored distribution, expected score and entropy are the
 * injected ones, the argmax recovers the truth where one answer does not, and a model without logprobs fails the
 * execution at once with the reason — or, with `fallback: 'samples'`, keeps its paid answer as the first sample.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidJudgingOptionError, type Judgeflow } from '../../src';
import type { JudgeServer } from '../../tools/judge-server';
import { truthMarker } from '../../tools/simulated-judge';
import { createEvaluatorFixture, type EvaluatorFixture } from '../support/fixtures';
import { startJudgedClient, type JudgedClient } from '../support/judged-client';

let stack: JudgedClient;
let jf: Judgeflow;
let judge: JudgeServer;

beforeAll(async () => {
  stack = await startJudgedClient(`logprobs-${process.pid}`);
  ({ jf, judge } = stack);
});

afterAll(async () => {
  await stack?.stop();
});

const LABELS = [1, 2, 3, 4, 5];

/** A five-label fixture whose datapoint i carries the truth LABELS[i % 5]. */
async function truthFixture(rows: number, model: string): Promise<EvaluatorFixture> {
  const f = await createEvaluatorFixture(jf, { rows, modelName: model, scores: LABELS });
  await jf.db.query(
    `UPDATE datapoints SET data = jsonb_set(data, '{response}',
       to_jsonb('answer ' || position || ' ' || ($2::text[])[position % 5 + 1])) WHERE dataset_uid = $1`,
    [f.datasetUid, LABELS.map(truthMarker)],
  );
  return f;
}
const truthOfRow = (xUid: string) => LABELS[Number(xUid.slice('row-'.length)) % 5]!;

interface StoredRow {
  x_uid: string;
  score: number | null;
  error: string | null;
  confidence: number | null;
  expected_score: number | null;
  distribution: Record<string, number> | null;
  entropy: number | null;
  samples: unknown[] | null;
}
const storedRows = async (executionUid: number) =>
  (
    await jf.db.query<StoredRow>(
      `SELECT x_uid, score, error, confidence, expected_score, distribution, entropy, samples
         FROM evaluator_results WHERE execution_uid = $1 ORDER BY x_uid`,
      [executionUid],
    )
  ).rows;

describe('logprob scoring', () => {
  it('stores the injected distribution, its expected score and entropy; the argmax recovers the truth', async () => {
    const f = await truthFixture(100, 'local-judge:accuracy=0.6:seed=lp');
    const answered = await storedRows(await f.evaluator.execute({ split: 'test', sync: true }));
    judge.resetStats();
    const uid = await f.evaluator.execute({ split: 'test', sync: true, scoring: 'logprobs' });
    expect(judge.stats().requests).toBe(100);
    const rows = await storedRows(uid);
    // Injected: 0.6 on the truth, 0.1 on each other label.
    const entropy = -(0.6 * Math.log2(0.6) + 4 * 0.1 * Math.log2(0.1));
    for (const r of rows) {
      const truth = truthOfRow(r.x_uid);
      const want = Object.fromEntries(LABELS.map((s) => [String(s), s === truth ? 0.6 : 0.1]));
      for (const s of LABELS) expect(r.distribution![String(s)]).toBeCloseTo(want[String(s)]!, 9);
      expect(r.expected_score).toBeCloseTo(0.6 * truth + 0.1 * (15 - truth), 9);
      expect(r.entropy).toBeCloseTo(entropy, 9);
      expect(r.score).toBe(truth);
      expect(r.confidence).toBeCloseTo(0.6, 9);
    }
    // One answer per row is right about 60 % of the time (binomial sd 0.05 at n 100); the argmax always.
    const accuracy = answered.filter((r) => r.score === truthOfRow(r.x_uid)).length / 100;
    expect(Math.abs(accuracy - 0.6)).toBeLessThan(0.15);

    // `mean`: the label nearest the expected score 0.6·t + 0.1·(15 − t), which pulls the extremes inward.
    const mean = await storedRows(
      await f.evaluator.execute({ split: 'test', sync: true, scoring: 'logprobs', aggregation: 'mean' }),
    );
    const nearest = (x: number) => LABELS.reduce((a, b) => (Math.abs(b - x) < Math.abs(a - x) - 1e-9 ? b : a));
    for (const r of mean) expect(r.score).toBe(nearest(0.6 * truthOfRow(r.x_uid) + 0.1 * (15 - truthOfRow(r.x_uid))));
    expect(mean.some((r) => r.score !== truthOfRow(r.x_uid))).toBe(true);

    const results = await f.evaluator.getExecutionResult(uid);
    expect(results[rows[0]!.x_uid]).toMatchObject({
      score: rows[0]!.score,
      confidence: rows[0]!.confidence,
      expectedScore: rows[0]!.expected_score,
      distribution: rows[0]!.distribution,
      entropy: rows[0]!.entropy,
    });
  });

  it('a model without logprobs fails the execution at its first rows, naming the model and the way out', async () => {
    const f = await truthFixture(50, 'local-judge:accuracy=0.6:logprobs=none');
    judge.resetStats();
    const uid = await f.evaluator.execute({ split: 'test', scoring: 'logprobs', concurrency: 2 });
    const [status] = await f.evaluator.pollExecutionResult(uid, { sync: true });
    expect(status).toBe('failed');
    const { rows } = await jf.db.query<{ error: string }>(`SELECT error FROM evaluator_executions WHERE uid = $1`, [
      uid,
    ]);
    expect(rows[0]!.error).toMatch(
      /model "local-judge:accuracy=0\.6:logprobs=none" returned no logprobs, so scoring "logprobs" cannot score its rows.*fallback "samples"/,
    );
    expect(judge.stats().requests).toBeLessThanOrEqual(4);
    expect(await storedRows(uid)).toEqual([]);
  });

  it('with fallback "samples", the paid answer is the first of five samples: two requests per row, none wasted', async () => {
    const f = await truthFixture(20, 'local-judge:accuracy=0.6:logprobs=none:seed=fb');
    judge.resetStats();
    const uid = await f.evaluator.execute({ split: 'test', sync: true, scoring: 'logprobs', fallback: 'samples' });
    const stats = judge.stats();
    expect(stats.requests).toBe(40);
    expect(stats.choices).toBe(100);
    const rows = await storedRows(uid);
    expect(rows.every((r) => r.score !== null && r.samples?.length === 5 && r.distribution === null)).toBe(true);
  });

  it('refuses scores that are not one token, and unknown scoring or fallback values, by name', async () => {
    const f = await createEvaluatorFixture(jf, { rows: 3, scores: [-1, 1] });
    const uid = await f.evaluator.execute({ split: 'test', scoring: 'logprobs' });
    const [status] = await f.evaluator.pollExecutionResult(uid, { sync: true });
    expect(status).toBe('failed');
    const { rows } = await jf.db.query<{ error: string }>(`SELECT error FROM evaluator_executions WHERE uid = $1`, [
      uid,
    ]);
    expect(rows[0]!.error).toMatch(/integers 0 to 999: criteria "helpfulness" has the score -1/);
    await expect(f.evaluator.execute({ split: 'test', scoring: 'top' as 'answer' })).rejects.toThrow(
      new InvalidJudgingOptionError('scoring', 'top', ['answer', 'logprobs']),
    );
    await expect(f.evaluator.execute({ split: 'test', fallback: 'answer' as 'samples' })).rejects.toThrow(
      /fallback must be one of "samples", got "answer"/,
    );
  });
});
