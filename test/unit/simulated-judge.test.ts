/**
 * The simulated judges the trust tests rely on have the properties they claim, checked with scipy's tests: a judge
 * of accuracy p names the truth in a share of datapoints consistent with p, spreads its errors evenly over the other
 * labels, repeats itself exactly, shares its errors with a judge of the same seed and errs independently of a judge
 * with another seed.
 */
import { describe, expect, it } from 'vitest';
import { simulatedScore, truthMarker, truthOf, type SimulatedJudge } from '../../tools/simulated-judge';
import { runPythonJson, testPython } from '../support/test-python';

const LABELS = [1, 2, 3, 4];
const N = 8000;
const texts = Array.from({ length: N }, (_, i) => `Question ${i}\nAnswer ${i} ${truthMarker(LABELS[i % 4]!)}`);
const judgeA: SimulatedJudge = { accuracy: 0.7, errorSeed: 'a' };
const judgeB: SimulatedJudge = { accuracy: 0.7, errorSeed: 'b' };
const correct = (judge: SimulatedJudge, draw = 0) =>
  texts.map((t) => simulatedScore(judge, t, LABELS, draw) === truthOf(t));

const scipyScript = `
import json, sys
from scipy.stats import binomtest, chisquare, chi2_contingency
c = json.load(sys.stdin)
json.dump(dict(
  accuracy=binomtest(c['correct'], c['n'], c['p']).pvalue,
  uniform=chisquare(c['errorCounts']).pvalue,
  independent=chi2_contingency(c['table'], correction=False).pvalue,
), sys.stdout)
`;

describe('simulated judges', () => {
  it('reads the truth a datapoint carries', () => {
    expect(truthOf(`an answer ${truthMarker(-3)} and more`)).toBe(-3);
    expect(truthOf('no marker')).toBeUndefined();
    expect(simulatedScore(judgeA, 'no marker', LABELS, 0)).toBeUndefined();
    expect(simulatedScore(judgeA, truthMarker(7), LABELS, 0)).toBeUndefined();
    expect(simulatedScore({ accuracy: 1, errorSeed: 'x' }, truthMarker(2), LABELS, 0)).toBe(2);
    expect(simulatedScore({ accuracy: 0, errorSeed: 'x' }, truthMarker(2), LABELS, 0)).not.toBe(2);
  });

  it('has the accuracy it claims, uniform errors, and errors independent across seeds (scipy)', () => {
    const a = correct(judgeA);
    const b = correct(judgeB);
    // How often each wrong label is named, by its offset from the truth (1..3 positions on).
    const errorCounts = [0, 0, 0];
    texts.forEach((t, i) => {
      const s = simulatedScore(judgeA, t, LABELS, 0)!;
      if (!a[i]) errorCounts[((LABELS.indexOf(s) - (i % 4) + 4) % 4) - 1]!++;
    });
    const both = (x: boolean, y: boolean) => a.filter((v, i) => v === x && b[i] === y).length;
    const table = [
      [both(true, true), both(true, false)],
      [both(false, true), both(false, false)],
    ];
    const p = runPythonJson(testPython(), scipyScript, {
      correct: a.filter(Boolean).length,
      n: N,
      p: 0.7,
      errorCounts,
      table,
    }) as { accuracy: number; uniform: number; independent: number };
    expect(p.accuracy).toBeGreaterThan(0.001);
    expect(p.uniform).toBeGreaterThan(0.001);
    expect(p.independent).toBeGreaterThan(0.001);
    // And the share is near 0.7 in plain numbers (binomial sd 0.005 at n 8000).
    expect(Math.abs(a.filter(Boolean).length / N - 0.7)).toBeLessThan(0.02);
  });

  it('repeats a draw exactly, shares errors within a seed, and draws anew per sample', () => {
    expect(texts.map((t) => simulatedScore(judgeA, t, LABELS, 3))).toEqual(
      texts.map((t) => simulatedScore({ ...judgeA }, t, LABELS, 3)),
    );
    const weaker = correct(judgeA);
    const strongerSameSeed = correct({ accuracy: 0.9, errorSeed: 'a' });
    // Same seed, higher accuracy: wrong only where the weaker judge is wrong too (the draws coincide).
    expect(strongerSameSeed.every((ok, i) => ok || !weaker[i])).toBe(true);
    const sample0 = correct(judgeA, 0);
    const sample1 = correct(judgeA, 1);
    const same = sample0.filter((v, i) => v === sample1[i]).length / N;
    // Independent samples of p = 0.7 agree on correctness with probability 0.7² + 0.3² = 0.58.
    expect(Math.abs(same - 0.58)).toBeLessThan(0.03);
  });
});
