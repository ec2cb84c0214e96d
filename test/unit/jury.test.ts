/**
 * The jury's statistics against implementations nobody here wrote: Fleiss' κ against statsmodels
 * (`inter_rater.fleiss_kappa` over `aggregate_raters`), the error correlation against NumPy's `corrcoef`, on seeded
 * random panels and the edge cases; the verdict rules, log-odds weights and effective votes on worked cases.
 */
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { describe, expect, it } from 'vitest';
import { correlation, effectiveVotes, fleissKappa, juryVerdict, logOddsWeight } from '../../src/metrics/jury';
import { runPythonJson, testPython } from '../support/test-python';

function panel(seed: number, rows: number, raters: number, labels: number[], agree: number): number[][] {
  const rng = xoroshiro128plus(seed);
  return Array.from({ length: rows }, () => {
    const truth = labels[uniformInt(rng, 0, labels.length - 1)]!;
    return Array.from({ length: raters }, () =>
      uniformInt(rng, 0, 999) < agree * 1000 ? truth : labels[uniformInt(rng, 0, labels.length - 1)]!,
    );
  });
}

const panels = [
  panel(1, 50, 3, [0, 1], 0.7),
  panel(2, 200, 5, [1, 2, 3], 0.5),
  panel(3, 120, 2, [0, 1, 2, 3, 4], 0.9),
  panel(4, 80, 9, [0, 1], 0.2),
  [
    [1, 1],
    [0, 0],
    [1, 0],
  ],
];

const statsmodelsScript = `
import json, sys
import numpy as np
from statsmodels.stats.inter_rater import aggregate_raters, fleiss_kappa
c = json.load(sys.stdin)
kappas = [float(fleiss_kappa(aggregate_raters(np.array(p))[0], method='fleiss')) for p in c['panels']]
corr = [float(np.corrcoef(x, y)[0, 1]) for x, y in c['pairs']]
json.dump(dict(kappas=kappas, corr=corr), sys.stdout)
`;

const pairs: [number[], number[]][] = [0, 1, 2].map((seed) => {
  const rng = xoroshiro128plus(10 + seed);
  const x = Array.from({ length: 100 }, () => uniformInt(rng, 0, 1));
  const y = x.map((v) => (uniformInt(rng, 0, 9) < 3 ? 1 - v : v));
  return [x, y];
});

describe('jury statistics', () => {
  const expected = runPythonJson(testPython(), statsmodelsScript, { panels, pairs }) as {
    kappas: number[];
    corr: number[];
  };

  it("Fleiss' κ is statsmodels'", () => {
    panels.forEach((p, i) => {
      expect(fleissKappa(p), `panel ${i}`).toBeCloseTo(expected.kappas[i]!, 10);
    });
    expect(fleissKappa([])).toBeNull();
    expect(
      fleissKappa([
        [1, 1],
        [1, 1],
      ]),
    ).toBeNull();
    expect(() =>
      fleissKappa([
        [1, 1],
        [1, 1, 1],
      ]),
    ).toThrow(RangeError);
  });

  it("the error correlation is NumPy's corrcoef; null when a juror never (or always) errs", () => {
    pairs.forEach(([x, y], i) => {
      expect(correlation(x, y)).toBeCloseTo(expected.corr[i]!, 12);
    });
    expect(correlation([0, 0, 0], [0, 1, 0])).toBeNull();
    expect(correlation([1], [1])).toBeNull();
  });

  it('effective votes: n for independent errors, 1 for coinciding ones, the design effect between', () => {
    expect(effectiveVotes(3, 0)).toBe(3);
    expect(effectiveVotes(3, 1)).toBe(1);
    // Nine judges with errors correlated 0.4 count as about two: 9 / (1 + 8 · 0.4) = 2.14.
    expect(effectiveVotes(9, 0.4)).toBeCloseTo(9 / 4.2, 12);
    expect(effectiveVotes(3, -0.2)).toBe(3);
  });

  it('verdict rules: majority ties to the lower score, median the lower middle, mean the nearest label, weights', () => {
    expect(juryVerdict([1, 0, 1], 'majority', [0, 1])).toBe(1);
    expect(juryVerdict([1, 0], 'majority', [0, 1])).toBe(0);
    expect(juryVerdict([1, null, null], 'majority', [0, 1])).toBe(1);
    expect(juryVerdict([null, null], 'majority', [0, 1])).toBeNull();
    expect(juryVerdict([5, 1, 2, 4], 'median', [1, 2, 3, 4, 5])).toBe(2);
    expect(juryVerdict([5, 1, 2], 'mean', [1, 2, 3, 4, 5])).toBe(3);
    expect(juryVerdict([1, 0, 0], 'weighted', [0, 1], [2.2, 0.4, 0.4])).toBe(1);
    expect(juryVerdict([1, 0, 0], 'weighted', [0, 1], [0.5, 0.4, 0.4])).toBe(0);
  });

  it('log-odds weights of the smoothed accuracy; chance or worse weighs nothing', () => {
    expect(logOddsWeight(89, 98)).toBeCloseTo(Math.log(0.9 / 0.1), 12);
    expect(logOddsWeight(5, 10)).toBe(0);
    expect(logOddsWeight(1, 10)).toBe(0);
  });
});
