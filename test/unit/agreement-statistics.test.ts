/**
 * judgeflow's agreement statistics against scikit-learn (`cohen_kappa_score` unweighted, linear and quadratic,
 * `precision_recall_fscore_support`, macro `f1_score`) and NumPy's percentile, on seeded random cases and the edge
 * cases: n = 1 and 2, perfect agreement, one label on both sides, labels nobody used, skewed labels.
 */
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { describe, expect, it } from 'vitest';
import { resamplesFor, summarizeAgreement } from '../../src/metrics/agreement';
import { quantile } from '../../src/metrics/bootstrap';
import { numpyQuantiles, sklearnAgreement, type PairsCase } from '../support/python-stats';

function randomCase(seed: number, n: number, labels: number[], agreement: number, skew = 0): PairsCase {
  const rng = xoroshiro128plus(seed);
  const pick = () => {
    // With skew, the first label takes that share of the rows before a uniform draw.
    if (skew > 0 && uniformInt(rng, 0, 999) < skew * 1000) return labels[0]!;
    return labels[uniformInt(rng, 0, labels.length - 1)]!;
  };
  const truth = Array.from({ length: n }, pick);
  const predicted = truth.map((t) => (uniformInt(rng, 0, 999) < agreement * 1000 ? t : pick()));
  return { truth, predicted, labels };
}

const cases: [string, PairsCase][] = [
  ['two labels, n 50', randomCase(1, 50, [0, 1], 0.7)],
  ['three labels, n 200', randomCase(2, 200, [1, 2, 3], 0.6)],
  ['five ordinal labels, n 500', randomCase(3, 500, [1, 2, 3, 4, 5], 0.5)],
  ['negative and gapped scores', randomCase(4, 120, [-2, 0, 5, 9], 0.4)],
  ['one label dominates', randomCase(5, 300, [0, 1, 2], 0.8, 0.9)],
  ['near chance', randomCase(6, 400, [0, 1, 2, 3], 0.05)],
  ['n = 1', { truth: [1], predicted: [0], labels: [0, 1] }],
  ['n = 2', { truth: [0, 1], predicted: [0, 0], labels: [0, 1] }],
  ['perfect agreement', { truth: [0, 1, 2, 2, 1], predicted: [0, 1, 2, 2, 1], labels: [0, 1, 2] }],
  ['one label on both sides', { truth: [1, 1, 1], predicted: [1, 1, 1], labels: [0, 1, 2] }],
  ['labels nobody used in between', { truth: [1, 5, 5, 1, 5], predicted: [1, 5, 1, 1, 5], labels: [1, 2, 3, 4, 5] }],
];

describe('agreement statistics match scikit-learn', () => {
  const expected = sklearnAgreement(cases.map(([, c]) => c));

  it.each(cases.map(([name, c], i) => [name, c, i] as const))('%s', (_name, c, i) => {
    const want = expected[i];
    if (!want) throw new Error(`scikit-learn gave no answer for case ${String(i)}`);
    const got = summarizeAgreement(
      c.truth.map((t, k) => [c.predicted[k]!, t]),
      c.labels,
      { resamples: 200 },
    );
    expect(got.compared).toBe(c.truth.length);
    const close = (a: number | null, b: number | null) => {
      if (b === null) expect(a).toBeNull();
      else expect(a).toBeCloseTo(b, 12);
    };
    close(got.accuracy, want.accuracy);
    close(got.kappa, want.kappa);
    close(got.weightedKappa.linear, want.kappaLinear);
    close(got.weightedKappa.quadratic, want.kappaQuadratic);
    close(got.macroF1, want.macroF1);
    expect(got.perLabel.map((l) => l.score)).toEqual(c.labels);
    got.perLabel.forEach((l, k) => {
      expect(l.support).toBe(want.support[k]);
      // scikit-learn's zero_division=0 writes 0 where judgeflow says null (undefined: no rows to divide by).
      expect(l.precision ?? 0).toBeCloseTo(want.precision[k]!, 12);
      expect(l.recall ?? 0).toBeCloseTo(want.recall[k]!, 12);
      expect(l.f1 ?? 0).toBeCloseTo(want.f1[k]!, 12);
    });
  });

  it('says why κ is null when both sides used one label', () => {
    const s = summarizeAgreement(
      [
        [1, 1],
        [1, 1],
      ],
      [0, 1, 2],
    );
    expect(s.kappa).toBeNull();
    expect(s.notes.join('\n')).toMatch(/κ is undefined: the judge and the ground truth used one and the same label/);
  });
});

describe('quantile', () => {
  it("is NumPy's default percentile", () => {
    const rng = xoroshiro128plus(7);
    const inputs = [0.025, 0.5, 0.975, 0, 1].flatMap((q) =>
      [1, 2, 7, 2000].map((n) => ({
        values: Array.from({ length: n }, () => uniformInt(rng, -1000, 1000) / 7).sort((a, b) => a - b),
        q,
      })),
    );
    const want = numpyQuantiles(inputs);
    inputs.forEach((input, i) => {
      expect(quantile(input.values, input.q)).toBeCloseTo(want[i]!, 10);
    });
  });
});

describe('the default number of resamples', () => {
  it('is 2000 up to 10,000 compared rows, then shrinks to about 2·10⁷ draws, never below 200', () => {
    expect([0, 23, 10_000, 20_000, 100_000, 5_000_000].map(resamplesFor)).toEqual([2000, 2000, 2000, 1000, 200, 200]);
  });
});
