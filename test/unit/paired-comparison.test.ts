/**
 * "Is this change real?": McNemar's exact p against statsmodels, the fixed/broken tallies on a hand example, and the
 * paired comparison on simulated judge pairs with known properties: a real +15-point improvement is called better and
 * its paired-bootstrap interval covers the true Δ in 93–97 % of 400 seeded trials; two equally good judges are called
 * different in about the 5 % of trials the level allows, not more.
 */
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { describe, expect, it } from 'vitest';
import { mcnemarExactP } from '../../src/metrics/mcnemar';
import { PairedComparisonAccumulator } from '../../src/metrics/paired-comparison';
import { statsmodelsMcnemar } from '../support/python-stats';

describe("McNemar's exact test", () => {
  it('gives the p-value statsmodels gives', () => {
    const tables = [
      [0, 0],
      [0, 1],
      [1, 0],
      [3, 3],
      [2, 9],
      [10, 25],
      [0, 17],
      [120, 95],
      [500, 560],
      [4000, 4210],
    ].map(([b, c]) => ({ a: 7, b: b!, c: c!, d: 11 }));
    const want = statsmodelsMcnemar(tables);
    tables.forEach((t, i) => {
      expect(mcnemarExactP(t.b, t.c)).toBeCloseTo(want[i]!, 10);
    });
  });
});

describe('paired comparison', () => {
  it('tallies fixed, broken and changed-but-still-wrong verdicts, leaving out rows one side did not score', () => {
    const acc = new PairedComparisonAccumulator([0, 1, 2]);
    // [truth, before, after]
    const rows: [number | null, number | null, number | null][] = [
      [1, 1, 1], // unchanged right
      [1, 0, 1], // fixed
      [2, 0, 2], // fixed
      [0, 0, 2], // broken
      [2, 0, 1], // changed, still wrong
      [2, 0, 0], // unchanged wrong
      [1, null, 1], // not scored before: left out
      [null, 1, 1], // no ground truth: left out
    ];
    for (const [t, b, a] of rows) acc.add(t, b, a);
    const r = acc.result({ resamples: 200 });
    expect(r).toMatchObject({
      compared: 6,
      fixed: 2,
      broken: 1,
      changedStillWrong: 1,
      unchangedRight: 1,
      unchangedWrong: 1,
    });
    const accuracy = r.changes.find((c) => c.metric === 'accuracy')!;
    expect(accuracy.before).toBeCloseTo(2 / 6, 12);
    expect(accuracy.after).toBeCloseTo(3 / 6, 12);
    expect(accuracy.pValue).toBe(1); // 2 fixed vs 1 broken: no evidence
    expect(accuracy.verdict).toBe('no detectable difference');
    expect(r.notes.join('\n')).toMatch(/accuracy changed by \+16\.7 points, but that is INSIDE THE NOISE/);
  });

  it('says there is nothing to compare when no datapoint has both verdicts and ground truth', () => {
    const r = new PairedComparisonAccumulator([0, 1]).result();
    expect(r.compared).toBe(0);
    expect(r.changes.every((c) => c.verdict === 'no detectable difference')).toBe(true);
    expect(r.notes).toEqual(['no datapoint was scored by both executions and has ground truth: nothing to compare']);
  });

  type Rng = ReturnType<typeof xoroshiro128plus>;
  const unit = (rng: Rng) => uniformInt(rng, 0, 999_999) / 1_000_000;
  /** A judge right with probability p, else a wrong label uniformly; truth uniform over 3 labels. */
  const judge = (rng: Rng, truth: number, p: number) =>
    unit(rng) < p ? truth : (truth + 1 + uniformInt(rng, 0, 1)) % 3;

  function trial(seed: number, rows: number, pBefore: number, pAfter: number) {
    const rng = xoroshiro128plus(seed);
    const acc = new PairedComparisonAccumulator([0, 1, 2]);
    for (let i = 0; i < rows; i++) {
      const truth = uniformInt(rng, 0, 2);
      acc.add(truth, judge(rng, truth, pBefore), judge(rng, truth, pAfter));
    }
    return acc.result({ resamples: 500, seed: seed + 1 }).changes.find((c) => c.metric === 'accuracy')!;
  }

  it('calls a real +15-point improvement better, and its Δ interval covers the true Δ in 93–97 % of trials', () => {
    let better = 0;
    let covered = 0;
    for (let t = 0; t < 400; t++) {
      const c = trial(5000 + t, 300, 0.6, 0.75);
      if (c.verdict === 'better') better += 1;
      if (c.interval && c.interval.low <= 0.15 && 0.15 <= c.interval.high) covered += 1;
    }
    console.log(`+15 points over 300 rows: called better in ${better}/400, Δ interval covered in ${covered}/400`);
    expect(better / 400).toBeGreaterThan(0.95);
    expect(covered / 400).toBeGreaterThanOrEqual(0.93);
    expect(covered / 400).toBeLessThanOrEqual(0.97);
  }, 120_000);

  it('calls two equally good judges different in no more trials than the 5 % level allows', () => {
    let different = 0;
    for (let t = 0; t < 400; t++)
      if (trial(9000 + t, 100, 0.7, 0.7).verdict !== 'no detectable difference') different += 1;
    console.log(`equal judges over 100 rows: called different in ${different}/400`);
    // McNemar's exact test is conservative: at most 5 % in expectation; 8 % leaves room for 400 trials' spread.
    expect(different / 400).toBeLessThanOrEqual(0.08);
  }, 120_000);
});
