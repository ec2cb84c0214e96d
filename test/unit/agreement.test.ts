import { describe, expect, it } from 'vitest';
import {
  AgreementAccumulator,
  accuracy,
  agrees,
  cohensKappa,
  confusionMatrix,
  coverage,
  summarizeAgreement,
  weightedKappa,
  type ConfusionMatrix,
} from '../../src/metrics/agreement';

/** Repeats a (truth, predicted) pair n times. */
const times = (n: number, truth: number, predicted: number) =>
  Array.from({ length: n }, () => [truth, predicted] as [number, number]);

describe('agrees', () => {
  it('is true or false with both sides, null when either is missing', () => {
    expect(agrees(1, 1)).toBe(true);
    expect(agrees(0, 1)).toBe(false);
    expect(agrees(null, 1)).toBeNull();
    expect(agrees(1, null)).toBeNull();
    expect(agrees(undefined, undefined)).toBeNull();
  });
});

describe("Cohen's kappa", () => {
  it("matches Wikipedia's worked example: 20 yes/yes, 5 yes/no, 10 no/yes, 15 no/no → po 0.7, pe 0.5, κ 0.4", () => {
    // https://en.wikipedia.org/wiki/Cohen%27s_kappa#Simple_example (yes = 1, no = 0; rows: reader A)
    const m = confusionMatrix([...times(20, 1, 1), ...times(5, 1, 0), ...times(10, 0, 1), ...times(15, 0, 0)], [0, 1]);
    expect(m.matrix).toEqual([
      [15, 10],
      [5, 20],
    ]);
    expect(accuracy(m)).toBeCloseTo(0.7, 12);
    expect(cohensKappa(m)).toBeCloseTo(0.4, 12);
  });

  it('is 1 for perfect agreement over several labels and 0 for agreement at chance', () => {
    expect(cohensKappa(confusionMatrix([...times(3, 0, 0), ...times(4, 1, 1), ...times(2, 2, 2)], [0, 1, 2]))).toBe(1);
    // Each rater says 0 and 1 half the time, independently: po = pe = 0.5.
    expect(
      cohensKappa(
        confusionMatrix([...times(1, 0, 0), ...times(1, 0, 1), ...times(1, 1, 0), ...times(1, 1, 1)], [0, 1]),
      ),
    ).toBe(0);
  });

  it('is undefined (null) when both raters use one and the same label throughout', () => {
    const m = confusionMatrix(times(5, 1, 1), [0, 1]);
    expect(accuracy(m)).toBe(1);
    expect(cohensKappa(m)).toBeNull();
  });
});

describe('weighted kappa (hand-computed 3-label example)', () => {
  // rows = truth 1..3, columns = predicted 1..3; n = 40, row sums 15/13/12, column sums 12/15/13.
  const m: ConfusionMatrix = {
    labels: [1, 2, 3],
    matrix: [
      [10, 5, 0],
      [2, 8, 3],
      [0, 2, 10],
    ],
  };

  it('unweighted: po 0.7, pe 531/1600 → κ 0.550982', () => {
    expect(cohensKappa(m)).toBeCloseTo(0.368125 / 0.668125, 10);
  });
  it('linear: observed disagreement 6, expected 17.6 → κw 0.659091', () => {
    expect(weightedKappa(m, 'linear')).toBeCloseTo(1 - 6 / 17.6, 10);
  });
  it('quadratic: observed 3, expected 13.0375 → κw 0.769895', () => {
    expect(weightedKappa(m, 'quadratic')).toBeCloseTo(1 - 3 / 13.0375, 10);
  });
  it('equals unweighted kappa for two labels', () => {
    const two = confusionMatrix(
      [...times(20, 1, 1), ...times(5, 1, 0), ...times(10, 0, 1), ...times(15, 0, 0)],
      [0, 1],
    );
    expect(weightedKappa(two, 'linear')).toBeCloseTo(0.4, 12);
    expect(weightedKappa(two, 'quadratic')).toBeCloseTo(0.4, 12);
  });
});

describe('coverage and the accumulator', () => {
  it('coverage is scored / total, null for nothing', () => {
    expect(coverage(3, 4)).toBe(0.75);
    expect(coverage(0, 0)).toBeNull();
  });

  it('counts totals, errors and missing ground truth, and compares only complete pairs', () => {
    const acc = new AgreementAccumulator([0, 1, 2]);
    acc.add(2, 2);
    acc.add(1, 2);
    acc.add(0, null); // no ground truth: scored, not compared
    acc.add(null, 1, true); // row error
    acc.add(null, 0); // not scored yet
    const s = acc.summary();
    expect(s).toMatchObject({ total: 5, scored: 3, errors: 1, coverage: 0.6, compared: 2, accuracy: 0.5 });
    expect(s.confusion).toEqual({
      labels: [0, 1, 2],
      matrix: [
        [0, 0, 0],
        [0, 0, 0],
        [0, 1, 1],
      ],
    });
  });

  it('gives nulls, not NaN, for an empty input', () => {
    const s = summarizeAgreement([], [0, 1]);
    expect(s).toMatchObject({ total: 0, scored: 0, coverage: null, compared: 0, accuracy: null, kappa: null });
    expect(s.weightedKappa).toEqual({ linear: null, quadratic: null });
  });

  it('summarizeAgreement agrees with the matrix functions', () => {
    const pairs: [number, number][] = [
      [1, 1],
      [0, 1],
      [1, 0],
      [1, 1],
      [0, 0],
    ];
    const s = summarizeAgreement(pairs, [0, 1]);
    const m = confusionMatrix(
      pairs.map(([p, t]) => [t, p]),
      [0, 1],
    );
    expect(s.accuracy).toBe(accuracy(m));
    expect(s.kappa).toBe(cohensKappa(m));
  });
});
