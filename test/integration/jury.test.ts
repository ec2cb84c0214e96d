/**
 * Juries on the real dev server, PostgreSQL and the local judge server's simulated judges: three independent
 * 70 %-accurate jurors beat each of them by majority (P(Binomial(3, 0.7) ≥ 2) = 0.784) and count as three votes;
 * three whose errors coincide (one error seed) are no better than one and count as one; weights learnt on a labelled
 * split let a strong juror outvote two weak ones. The command line prints the same.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BenchmarkExecution, InvalidJuryError, type Judgeflow, type JuryReport } from '../../src';
import { runCli } from '../support/cli';
import { labelledBenchmark } from '../support/labelled-benchmark';
import { startJudgedClient, type JudgedClient } from '../support/judged-client';

let stack: JudgedClient;
let jf: Judgeflow;

beforeAll(async () => {
  stack = await startJudgedClient(`jury-${process.pid}`);
  ({ jf } = stack);
});

afterAll(async () => {
  await stack?.stop();
});

const accuracyOf = (r: JuryReport) => ({ jury: r.jury.accuracy!, jurors: r.jurors.map((j) => j.agreement.accuracy!) });

describe('juries', () => {
  it('three independent 70 % jurors: the majority is right about 78 % of the time, and they count as 3 votes', async () => {
    const { x, evaluators } = await labelledBenchmark(
      jf,
      400,
      0,
      ['a', 'b', 'c'].map((s) => `local-judge:accuracy=0.7:seed=${s}`),
    );
    const r = await x.jury({ evaluatorUids: evaluators });
    const { jury, jurors } = accuracyOf(r);
    // Binomial sd at n 400: 0.023 (one juror), 0.021 (the jury); bounds of 3 sd.
    for (const a of jurors) expect(Math.abs(a - 0.7)).toBeLessThan(0.07);
    expect(Math.abs(jury - 0.784)).toBeLessThan(0.065);
    expect(jury).toBeGreaterThan(Math.max(...jurors));
    expect(r.errorCorrelation.pairs).toHaveLength(3);
    expect(Math.abs(r.errorCorrelation.mean!)).toBeLessThan(0.15);
    expect(r.effectiveVotes!).toBeGreaterThan(2.4);
    expect(r.rows).toBe(400);
    expect(r.verdicts).toHaveLength(400);
    expect(r.interJudge.rows).toBe(400);
  });

  it('three jurors whose errors coincide are one vote: no better than each', async () => {
    const { x, evaluators } = await labelledBenchmark(
      jf,
      200,
      0,
      ['m1', 'm2', 'm3'].map((m) => `local-judge:accuracy=0.7:seed=same:${m}`),
    );
    const r = await x.jury({ evaluatorUids: evaluators });
    const { jury, jurors } = accuracyOf(r);
    expect(jurors.every((a) => a === jury)).toBe(true);
    expect(r.errorCorrelation.mean).toBeCloseTo(1, 12);
    expect(r.effectiveVotes).toBeCloseTo(1, 12);
    expect(r.interJudge.fleissKappa).toBeCloseTo(1, 12);
  });

  it('weights from a labelled split let a 90 % juror outvote two 60 % ones; agreement is on the other split', async () => {
    const models = [
      'local-judge:accuracy=0.9:seed=s',
      'local-judge:accuracy=0.6:seed=w1',
      'local-judge:accuracy=0.6:seed=w2',
    ];
    const { x, evaluators } = await labelledBenchmark(jf, 600, 200, models);
    const plain = await x.jury({ evaluatorUids: evaluators });
    const weighted = await x.jury({ evaluatorUids: evaluators, rule: 'weighted', weightsFrom: 'dev' });
    expect(weighted.jury.compared).toBe(400);
    // Learnt: ln(a / (1 − a)) of the dev accuracies, about ln 9 = 2.2 and ln 1.5 = 0.4.
    expect(weighted.jurors[0]!.weight).toBeGreaterThan(weighted.jurors[1]!.weight + weighted.jurors[2]!.weight);
    // Majority of (0.9, 0.6, 0.6): 0.9 · 0.84 + 0.1 · 0.36 = 0.792; weighted: the strong juror's 0.9.
    expect(weighted.jury.accuracy!).toBeGreaterThan(plain.jury.accuracy! + 0.04);
    expect(weighted.jury.accuracy).toBe(weighted.jurors[0]!.agreement.accuracy);
  });

  it('refuses a jury it cannot form, naming what is wrong', async () => {
    const { x, evaluators } = await labelledBenchmark(jf, 4, 0, ['local-judge', 'local-judge:latency=1']);
    await expect(x.jury({ evaluatorUids: [evaluators[0]!] })).rejects.toThrow(/at least two distinct evaluators/);
    await expect(x.jury({ evaluatorUids: [evaluators[0]!, 999_999] })).rejects.toThrow(
      /evaluator 999999 is not an evaluator of benchmark \d+; its evaluators: \d+, \d+/,
    );
    await expect(x.jury({ evaluatorUids: evaluators, rule: 'weighted' })).rejects.toThrow(/needs weightsFrom/);
    await expect(x.jury({ evaluatorUids: evaluators, rule: 'vote' as 'majority' })).rejects.toBeInstanceOf(
      InvalidJuryError,
    );
    await expect(x.jury({ evaluatorUids: evaluators, rule: 'weighted', weightsFrom: 'train' })).rejects.toThrow(
      /weightsFrom "train" is not a split of benchmark execution \d+; its splits: test/,
    );
  });

  it('from the command line: benchmark jury prints each juror, the jury and the independent votes', async () => {
    const { x, evaluators } = await labelledBenchmark(
      jf,
      60,
      0,
      ['p', 'q', 'r'].map((s) => `local-judge:accuracy=0.7:seed=cli-${s}`),
    );
    const run = await runCli(jf.config.temporal.taskQueue, [
      'benchmark',
      'jury',
      String(x.benchmarkExecutionUid),
      '--evaluator',
      ...evaluators.map(String),
    ]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/jury \(majority\)/);
    expect(run.stdout).toMatch(/juror 1 \(\d+\)/);
    expect(run.stdout).toMatch(/independent votes:\s+\d\.\d\d of 3/);
    const json = await runCli(jf.config.temporal.taskQueue, [
      '--json',
      'benchmark',
      'jury',
      String(x.benchmarkExecutionUid),
      '--evaluator',
      ...evaluators.map(String),
    ]);
    const report = JSON.parse(json.stdout) as JuryReport;
    const sdk = await (await BenchmarkExecution.get(x.benchmarkExecutionUid, jf)).jury({ evaluatorUids: evaluators });
    expect(report.jury.accuracy).toBe(sdk.jury.accuracy);
    expect(report.verdicts).toHaveLength(60);
  });
});
