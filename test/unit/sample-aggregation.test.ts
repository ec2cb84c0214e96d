/**
 * Self-consistency's aggregation rules: majority and median against Python's `statistics.mode` (the first mode
 * met in the data, so a tie goes to the earliest sample) and `statistics.median_low`, on seeded random cases; the
 * mean's nearest-label rule and its tie on worked cases; confidence is the share of samples that gave the verdict.
 */
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { describe, expect, it } from 'vitest';
import { aggregateSamples } from '../../src/metrics/sample-aggregation';
import { runPythonJson, testPython } from '../support/test-python';

function randomScores(seed: number, n: number, labels: number[]): number[] {
  const rng = xoroshiro128plus(seed);
  return Array.from({ length: n }, () => labels[uniformInt(rng, 0, labels.length - 1)]!);
}

const cases: { scores: number[]; labels: number[] }[] = [
  { scores: [1], labels: [0, 1] },
  { scores: [0, 1], labels: [0, 1] },
  { scores: [1, 0], labels: [0, 1] },
  { scores: [2, 1, 1, 2], labels: [1, 2, 3] },
  { scores: [3, 3, 1, 1, 2], labels: [1, 2, 3] },
  ...Array.from({ length: 60 }, (_, i) => {
    const labels = [
      [0, 1],
      [1, 2, 3],
      [1, 2, 3, 4, 5],
      [-2, 0, 5, 9],
    ][i % 4]!;
    return { scores: randomScores(100 + i, 1 + (i % 20), labels), labels };
  }),
];

const pythonScript = `
import json, sys, statistics
json.dump([dict(mode=statistics.mode(c['scores']), median=statistics.median_low(c['scores']))
           for c in json.load(sys.stdin)], sys.stdout)
`;

describe('aggregateSamples', () => {
  const expected = runPythonJson(testPython(), pythonScript, cases) as { mode: number; median: number }[];

  it('majority is statistics.mode: the most frequent score, a tie going to the earliest sample', () => {
    for (const [i, c] of cases.entries()) {
      const v = aggregateSamples(c.scores, 'majority', c.labels);
      expect(v.score, JSON.stringify(c.scores)).toBe(expected[i]!.mode);
      expect(v.confidence).toBeCloseTo(c.scores.filter((s) => s === v.score).length / c.scores.length, 12);
    }
    expect(aggregateSamples([0, 1], 'majority', [0, 1]).score).toBe(0);
    expect(aggregateSamples([1, 0], 'majority', [0, 1]).score).toBe(1);
  });

  it('median is statistics.median_low: with an even count, the lower middle score', () => {
    for (const [i, c] of cases.entries())
      expect(aggregateSamples(c.scores, 'median', c.labels).score, JSON.stringify(c.scores)).toBe(expected[i]!.median);
  });

  it('mean is the label score nearest the mean, halfway going to the lower; meanScore is the mean', () => {
    expect(aggregateSamples([1, 2, 2], 'mean', [1, 2, 3])).toEqual({ score: 2, confidence: 2 / 3, meanScore: 5 / 3 });
    expect(aggregateSamples([1, 2], 'mean', [1, 2, 3]).score).toBe(1);
    expect(aggregateSamples([1, 1, 5, 5], 'mean', [1, 2, 3, 4, 5])).toMatchObject({ score: 3, confidence: 0 });
    // Gapped scores: the mean 2.5 lies nearer 0 than 5.
    expect(aggregateSamples([0, 0, 5, 5, 0, 5], 'mean', [0, 5, 9]).score).toBe(0);
    expect(aggregateSamples([5, 9, 9], 'mean', [0, 5, 9])).toMatchObject({ score: 9, meanScore: 23 / 3 });
    expect(aggregateSamples([-2, 0], 'mean', [-2, 0, 5]).score).toBe(-2);
  });

  it('unanimous samples give full confidence under every rule', () => {
    for (const aggregation of ['majority', 'median', 'mean'] as const)
      expect(aggregateSamples([3, 3, 3], aggregation, [1, 2, 3])).toEqual({ score: 3, confidence: 1, meanScore: 3 });
  });

  it('refuses an empty list of scores', () => {
    expect(() => aggregateSamples([], 'majority', [0, 1])).toThrow(RangeError);
  });
});
