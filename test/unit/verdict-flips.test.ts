/**
 * Order-bias measurement's statistics against statsmodels (`proportion_confint(method='wilson')`,
 * `DescrStatsW(x).zconfint_mean()`), and the per-row label order: deterministic per x_uid, a permutation, and every
 * order about equally often (scipy's chi-square).
 */
import { describe, expect, it } from 'vitest';
import { orderLabels } from '../../src/llm/label-order';
import { meanInterval, verdictFlips, wilsonInterval } from '../../src/metrics/verdict-flips';
import { runPythonJson, testPython } from '../support/test-python';

const proportions: [number, number][] = [
  [0, 10],
  [3, 10],
  [120, 400],
  [399, 400],
  [1, 1],
];
const samples = [
  [1, 0, 0, 1, 1, 0, 1],
  [0.5, -1, 2, 3, 0, 0, 0, 1.25],
  Array.from({ length: 50 }, (_, i) => (i * 7) % 5),
];
const orders = Array.from({ length: 6000 }, (_, i) => orderLabels([1, 2, 3], 'shuffled', `row-${i}`).join(''));
const counts = ['123', '132', '213', '231', '312', '321'].map((o) => orders.filter((x) => x === o).length);

const script = `
import json, sys
from statsmodels.stats.proportion import proportion_confint
from statsmodels.stats.weightstats import DescrStatsW
from scipy.stats import chisquare
c = json.load(sys.stdin)
json.dump(dict(
  wilson=[list(proportion_confint(k, n, alpha=0.05, method='wilson')) for k, n in c['proportions']],
  means=[list(DescrStatsW(x).zconfint_mean(alpha=0.05)) for x in c['samples']],
  uniform=chisquare(c['counts']).pvalue,
), sys.stdout)
`;

const expected = runPythonJson(testPython(), script, { proportions, samples, counts }) as {
  wilson: [number, number][];
  means: [number, number][];
  uniform: number;
};

describe('verdict flips', () => {
  it("Wilson's interval is statsmodels'", () => {
    proportions.forEach(([k, n], i) => {
      const w = wilsonInterval(k, n)!;
      expect(w.low).toBeCloseTo(expected.wilson[i]![0], 12);
      expect(w.high).toBeCloseTo(expected.wilson[i]![1], 12);
    });
    expect(wilsonInterval(0, 0)).toBeNull();
  });

  it("the mean's interval is statsmodels' zconfint_mean", () => {
    samples.forEach((x, i) => {
      const m = meanInterval(x)!;
      expect(m.interval.low).toBeCloseTo(expected.means[i]![0], 12);
      expect(m.interval.high).toBeCloseTo(expected.means[i]![1], 12);
    });
    expect(meanInterval([1])).toBeNull();
  });

  it('counts flips over the rows both runs scored, and the mean shift B − A', () => {
    const r = verdictFlips([
      { a: 0, b: 1 },
      { a: 1, b: 1 },
      { a: 0, b: 0 },
      { a: 1, b: 0 },
      { a: null, b: 1 },
    ]);
    expect(r).toMatchObject({ decisive: 4, flips: 2, flipRate: 0.5, meanShift: 0 });
    expect(verdictFlips([])).toMatchObject({ decisive: 0, flipRate: null, flipInterval: null, meanShift: null });
  });
});

describe('orderLabels', () => {
  it('fixed keeps the order, reversed reverses it, shuffled is the same permutation for the same x_uid', () => {
    expect(orderLabels([1, 2, 3], 'fixed', 'x')).toEqual([1, 2, 3]);
    expect(orderLabels([1, 2, 3], 'reversed', 'x')).toEqual([3, 2, 1]);
    expect(orderLabels([1, 2, 3, 4, 5], 'shuffled', 'row-7')).toEqual(
      orderLabels([1, 2, 3, 4, 5], 'shuffled', 'row-7'),
    );
    expect([...orderLabels([1, 2, 3, 4, 5], 'shuffled', 'row-7')].sort()).toEqual([1, 2, 3, 4, 5]);
  });

  it('shuffles every order about equally often over many rows (scipy chi-square)', () => {
    expect(counts.every((c) => c > 800)).toBe(true);
    expect(expected.uniform).toBeGreaterThan(0.001);
  });
});
