/**
 * Krippendorff's α and Gwet's AC1 against published worked examples (nobody here computed the expected values):
 * - Krippendorff, K. (2011). Computing Krippendorff's Alpha-Reliability. Annenberg School for Communication,
 *   University of Pennsylvania. https://repository.upenn.edu/asc_papers/43 — §A (binary, two observers), §B
 *   (nominal, two observers) and the 4-coder example with missing values (nominal 0.743, ordinal 0.815, interval
 *   0.849), the same data as R irr's `kripp.alpha` help page and irrCAC's `cac.raw4raters`.
 * - Gwet, K. L. (2019). irrCAC 1.0 (CRAN), "overview" vignette: `cont3x3abstractors` (two raters, n = 100):
 *   AC1 0.8493305, Krippendorff's α nominal 0.7972585, interval (quadratic weights) 0.8926487, κ 0.7964094.
 * - Wongpakaran, N. et al. (2013). A comparison of Cohen's Kappa and Gwet's AC1…, BMC Medical Research Methodology
 *   13:61: the schizoid table [[13, 2], [1, 3]], AC1 .752 and κ .565 (as printed, to three places).
 */
import { describe, expect, it } from 'vitest';
import { cohensKappa, type ConfusionMatrix } from '../../src/metrics/agreement';
import { gwetAc1 } from '../../src/metrics/gwet-ac1';
import { krippendorffAlpha, twoCoderAlpha } from '../../src/metrics/krippendorff-alpha';

/** Units (columns) from coders' rows. */
const unitsOf = (coders: (number | null)[][]) => coders[0]!.map((_, u) => coders.map((row) => row[u]!));

describe("Krippendorff's α (Krippendorff 2011)", () => {
  it('§A binary data, two observers, no missing data: α = 0.095', () => {
    const units = unitsOf([
      [0, 1, 0, 0, 0, 0, 0, 0, 1, 0],
      [1, 1, 1, 0, 0, 1, 0, 0, 0, 0],
    ]);
    expect(krippendorffAlpha(units, 'nominal')).toBeCloseTo(0.095, 3);
    expect(krippendorffAlpha(units, 'nominal')).toBeCloseTo(2 / 21, 12);
  });

  it('§B nominal data, two observers (a–e as 1–5): α = 0.692', () => {
    const units = unitsOf([
      [1, 1, 2, 2, 4, 3, 3, 3, 5, 4, 4, 1],
      [2, 1, 2, 2, 2, 3, 3, 3, 5, 4, 4, 4],
    ]);
    expect(krippendorffAlpha(units, 'nominal')).toBeCloseTo(0.692, 3);
  });

  it('four coders, twelve units, missing values: nominal 0.743, ordinal 0.815, interval 0.849', () => {
    const _ = null;
    const units = unitsOf([
      [1, 2, 3, 3, 2, 1, 4, 1, 2, _, _, _],
      [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, _, 3],
      [_, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, _],
      [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, _],
    ]);
    expect(krippendorffAlpha(units, 'nominal')).toBeCloseTo(0.743, 3);
    expect(krippendorffAlpha(units, 'ordinal')).toBeCloseTo(0.815, 3);
    expect(krippendorffAlpha(units, 'interval')).toBeCloseTo(0.849, 3);
  });

  it('irrCAC cont3x3abstractors as a two-coder table: nominal 0.7972585, interval 0.8926487', () => {
    const counts = [
      [13, 0, 0],
      [0, 20, 7],
      [0, 4, 56],
    ];
    expect(twoCoderAlpha([1, 2, 3], counts, 'nominal')).toBeCloseTo(0.7972585, 7);
    expect(twoCoderAlpha([1, 2, 3], counts, 'interval')).toBeCloseTo(0.8926487, 7);
  });

  it('the table form and the unit form agree, and unused values change nothing', () => {
    const counts = [
      [13, 0, 0, 0],
      [0, 0, 0, 0],
      [0, 0, 20, 7],
      [0, 0, 4, 56],
    ];
    const units = counts.flatMap((row, i) => row.flatMap((n, j) => Array.from({ length: n }, () => [i + 1, j + 1])));
    for (const metric of ['nominal', 'ordinal', 'interval'] as const)
      expect(twoCoderAlpha([1, 2, 3, 4], counts, metric)).toBeCloseTo(krippendorffAlpha(units, metric)!, 12);
  });

  it('is undefined (null) when every value is the same or no unit has two values', () => {
    expect(
      krippendorffAlpha(
        [
          [2, 2],
          [2, 2],
        ],
        'nominal',
      ),
    ).toBeNull();
    expect(
      krippendorffAlpha(
        [
          [1, null],
          [null, 2],
        ],
        'interval',
      ),
    ).toBeNull();
  });
});

describe("Gwet's AC1", () => {
  it('irrCAC cont3x3abstractors: AC1 0.8493305 (κ 0.7964094)', () => {
    const m: ConfusionMatrix = {
      labels: [1, 2, 3],
      matrix: [
        [13, 0, 0],
        [0, 20, 7],
        [0, 4, 56],
      ],
    };
    expect(gwetAc1(m)).toBeCloseTo(0.8493305, 7);
    expect(cohensKappa(m)).toBeCloseTo(0.7964094, 7);
  });

  it('Wongpakaran et al. 2013, schizoid personality disorder: AC1 .752, κ .565', () => {
    const m: ConfusionMatrix = {
      labels: [0, 1],
      matrix: [
        [13, 2],
        [1, 3],
      ],
    };
    expect(Math.abs(gwetAc1(m)! - 0.752)).toBeLessThan(1e-3);
    expect(cohensKappa(m)).toBeCloseTo(0.565, 3);
  });

  it('counts labels nobody used in q, and stays high where κ collapses under one dominant label', () => {
    const m: ConfusionMatrix = {
      labels: [0, 1],
      matrix: [
        [0, 1],
        [1, 98],
      ],
    };
    expect(cohensKappa(m)).toBeCloseTo(-0.0101, 3);
    expect(gwetAc1(m)).toBeGreaterThan(0.97);
    expect(gwetAc1({ labels: [0], matrix: [[5]] })).toBeNull();
  });
});
