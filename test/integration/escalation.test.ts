/**
 * Escalation on the real dev server, PostgreSQL and the local judge server's simulated judges: a cheap judge (70 %
 * per sample, five samples) and a strong one (95 %); the threshold picked on a labelled calibration split for a target
 * of 85 % sends only the uncertain rows up — each judged once by the strong evaluator — and the cascade meets the
 * target with less escalation than sending everything; disagreements are flagged for review.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Benchmark, PromptEvaluator, type Judgeflow } from '../../src';
import type { JudgeServer } from '../../tools/judge-server';
import { runCli } from '../support/cli';
import { createLabelledBenchmark } from '../support/labelled-benchmark';
import { startJudgedClient, type JudgedClient } from '../support/judged-client';

let stack: JudgedClient;
let jf: Judgeflow;
let judge: JudgeServer;

beforeAll(async () => {
  stack = await startJudgedClient(`escalation-${process.pid}`);
  ({ jf, judge } = stack);
});

afterAll(async () => {
  await stack?.stop();
});

const STRONG = 'local-judge:accuracy=0.95:seed=strong';

/** The cheap evaluator run with five samples over dev (calibration) and test; the strong one not run yet. */
async function cascade(rows: number, devRows: number, cheapSeed: string) {
  const { benchmark, evaluators } = await createLabelledBenchmark(jf, rows, devRows, [
    `local-judge:accuracy=0.7:seed=${cheapSeed}`,
    STRONG,
  ]);
  const x = await (
    await Benchmark.get(benchmark, jf)
  ).execute({
    splits: devRows ? ['dev', 'test'] : ['test'],
    evaluatorUids: [evaluators[0]!],
    samples: 5,
    sync: true,
    concurrency: 16,
  });
  return { x, cheap: evaluators[0]!, strong: evaluators[1]! };
}

describe('escalation', () => {
  it('a target of 85 % picked on a calibration split: only uncertain rows go up, and the cascade meets it', async () => {
    const { x, cheap, strong } = await cascade(600, 300, 'cheap');
    judge.resetStats();
    const r = await x.escalate({
      from: cheap,
      to: strong,
      targetAccuracy: 0.85,
      calibrationSplit: 'dev',
      flagForReview: true,
    });
    // Five samples of a 70 % judge: unanimous rows are right 98.6 %, 4-of-5 rows 92.7 %, 3-of-5 rows 70 %; the
    // calibration keeps confidence ≥ 0.8 (about 56 % of rows, 94.5 % right) and escalates the 3-of-5 rows.
    expect(r.threshold).toBe(0.8);
    expect(r.calibration!.lowerBound!).toBeGreaterThanOrEqual(0.85);
    expect(r.rows).toBe(300);
    expect(r.escalatedShare!).toBeGreaterThan(0.3);
    expect(r.escalatedShare!).toBeLessThan(0.6);
    // Each escalated row judged once by the strong evaluator, in one execution of those rows only.
    expect(judge.stats().requests).toBe(r.escalated);
    expect(r.executions).toEqual([{ split: 'test', executionUid: expect.any(Number), rows: r.escalated }]);
    expect(r.cost.strong.rows).toBe(r.escalated);
    // Before: the cheap majority ≈ 0.837; after: ≈ 0.56 · 0.945 + 0.44 · 0.95 ≈ 0.947.
    expect(Math.abs(r.before.accuracy! - 0.837)).toBeLessThan(0.07);
    expect(r.after.accuracy!).toBeGreaterThanOrEqual(0.85);
    expect(r.after.accuracy!).toBeGreaterThan(r.before.accuracy! + 0.05);
    // Disagreements on escalated rows are flagged, each with its reason.
    const flags = await runCli(jf.config.temporal.taskQueue, [
      '--json',
      'review',
      'list',
      String(r.executions[0]!.executionUid),
    ]);
    const listed = JSON.parse(flags.stdout) as { xUid: string; reason: string }[];
    expect(listed).toHaveLength(r.flagged);
    expect(r.flagged).toBeGreaterThan(0);
    expect(listed[0]!.reason).toMatch(/^the cheap judge said \d \(confidence 0\.\d\d\), the stronger judge \d$/);
  });

  it('reaches the target for less than the strong judge on every row', async () => {
    const { x, cheap, strong } = await cascade(200, 0, 'all');
    const r = await x.escalate({ from: cheap, to: strong, threshold: 0.8 });
    expect(r.after.accuracy!).toBeGreaterThan(0.85);
    expect(r.escalated).toBeLessThan(150);
    const everyRow = await PromptEvaluator.get(strong, jf);
    const results = await everyRow.getExecutionResult(await everyRow.execute({ split: 'test', sync: true }));
    const tokens = Object.values(results).reduce(
      (a, v) => a + (v.usage?.promptTokens ?? 0) + (v.usage?.completionTokens ?? 0),
      0,
    );
    expect(r.cost.strong.tokens).toBeLessThan(0.75 * tokens);
  });

  it('refuses what it cannot do, naming why', async () => {
    const { benchmark, evaluators } = await createLabelledBenchmark(jf, 10, 0, ['local-judge', STRONG]);
    const x = await (
      await Benchmark.get(benchmark, jf)
    ).execute({ splits: ['test'], evaluatorUids: [evaluators[0]!], sync: true });
    const [cheap, strong] = evaluators as [number, number];
    await expect(x.escalate({ from: cheap, to: strong, threshold: 0.5 })).rejects.toThrow(
      /has no confidence on its rows in this execution: run it with samples > 1 or scoring "logprobs"/,
    );
    await expect(x.escalate({ from: cheap, to: strong })).rejects.toThrow(
      /exactly one of threshold and targetAccuracy/,
    );
    // Regression: the same evaluator twice was refused as "a jury needs …".
    await expect(x.escalate({ from: cheap, to: cheap, threshold: 0.5 })).rejects.toThrow(
      /^escalation needs at least two distinct evaluators/,
    );
    await expect(x.escalate({ from: cheap, to: strong, targetAccuracy: 0.9 })).rejects.toThrow(
      /needs calibrationSplit/,
    );
    const judgeRows = await PromptEvaluator.get(strong, jf);
    await expect(judgeRows.execute({ split: 'test', xUids: ['row-1', 'nope'] })).rejects.toThrow(
      /1 of the xUids are not datapoints of split "test": "nope"/,
    );
    await expect(judgeRows.execute({ split: 'test', xUids: [] })).rejects.toThrow(/xUids must be 1 to 100000 distinct/);
    await expect(x.escalate({ from: cheap, to: strong, threshold: 2 })).rejects.toThrow(
      /threshold must be a number from 0 to 1, got 2/,
    );
  });
});
