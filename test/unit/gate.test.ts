/** The gate's checks on hand-made summaries: lower ends of intervals, error rates, the regression check, scope. */
import { describe, expect, it } from 'vitest';
import { summarizeAgreement } from '../../src/metrics/agreement';
import type { BenchmarkSummary } from '../../src/metrics/benchmark-summary';
import { evaluateGate } from '../../src/metrics/gate';
import type { ExecutionComparison } from '../../src/metrics/paired-comparison';

const pairs = (n: number, agree: number) =>
  Array.from({ length: n }, (_, i) => [i < agree ? i % 2 : 1 - (i % 2), i % 2] as [number, number]);

const summary: BenchmarkSummary = {
  evaluators: [
    { evaluatorUid: 1, overall: summarizeAgreement(pairs(200, 190), [0, 1]), bySlice: {} },
    {
      evaluatorUid: 2,
      overall: summarizeAgreement(pairs(200, 120), [0, 1]),
      bySlice: { small: summarizeAgreement(pairs(4, 4), [0, 1]) },
    },
  ],
};

describe('evaluateGate', () => {
  it('checks accuracy and κ by the lower end of their intervals, not the estimate', () => {
    const s = summary.evaluators[1]!.overall;
    // Accuracy 0.6: a threshold just below the estimate fails, as the interval starts lower still.
    const checks = evaluateGate({ minAccuracy: 0.58 }, summary, null, { evaluatorUids: [2] });
    expect(s.accuracy).toBe(0.6);
    expect(checks).toEqual([
      expect.objectContaining({ check: 'min-accuracy', value: s.intervals.accuracy!.low, passed: false }),
    ]);
    expect(s.intervals.accuracy!.low).toBeLessThan(0.58);
    const both = evaluateGate({ minAccuracy: 0.9, minKappa: 0.8 }, summary, null, { evaluatorUids: [1] });
    expect(both.map((c) => c.passed)).toEqual([true, true]);
  });

  it('fails a check whose interval the data cannot give, saying so', () => {
    const [check] = evaluateGate({ minKappa: 0 }, summary, null, { evaluatorUids: [2], slice: 'small' });
    expect(check).toMatchObject({ slice: 'small', passed: false, value: null });
    expect(check!.reason).toMatch(/no interval/);
  });

  it('checks the error rate of the rows run', () => {
    const withErrors: BenchmarkSummary = {
      evaluators: [
        { evaluatorUid: 3, overall: { ...summary.evaluators[0]!.overall, total: 10, errors: 2 }, bySlice: {} },
      ],
    };
    expect(evaluateGate({ maxErrorRate: 0.2 }, withErrors, null)[0]).toMatchObject({ value: 0.2, passed: true });
    expect(evaluateGate({ maxErrorRate: 0.1 }, withErrors, null)[0]).toMatchObject({ value: 0.2, passed: false });
  });

  it('fails the regression check on a significantly worse metric, and when the baseline shares no datapoint', () => {
    const comparison = {
      before: 1,
      after: 2,
      evaluators: [
        { evaluatorUid: 1, compared: 50, changes: [{ metric: 'kappa', verdict: 'worse', delta: -0.3 }] },
        { evaluatorUid: 2, compared: 50, changes: [{ metric: 'accuracy', verdict: 'no detectable difference' }] },
      ],
    } as unknown as ExecutionComparison;
    const checks = evaluateGate({ noSignificantRegression: true }, summary, comparison);
    expect(checks.map((c) => [c.evaluatorUid, c.passed])).toEqual([
      [1, false],
      [2, true],
    ]);
    expect(checks[0]!.reason).toBe('significantly worse than the baseline: kappa -0.300');
    const none = evaluateGate({ noSignificantRegression: true }, summary, { before: 1, after: 2, evaluators: [] });
    expect(none.every((c) => !c.passed && /shares no judged datapoint/.test(c.reason))).toBe(true);
  });
});
