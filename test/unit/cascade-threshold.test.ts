/** The cascade's threshold: the least escalation whose kept rows' Wilson lower bound reaches the target. */
import { describe, expect, it } from 'vitest';
import { thresholdForTarget } from '../../src/metrics/cascade-threshold';
import { wilsonInterval } from '../../src/metrics/verdict-flips';

const rows = (confidence: number | null, correct: number, wrong: number) => [
  ...Array.from({ length: correct }, () => ({ confidence, correct: true })),
  ...Array.from({ length: wrong }, () => ({ confidence, correct: false })),
];

describe('thresholdForTarget', () => {
  // 100 rows at 0.6 (70 % right), 100 at 0.8 (93 %), 50 at 1.0 (98 %), 5 unjudged.
  const calibration = [...rows(0.6, 70, 30), ...rows(0.8, 93, 7), ...rows(1, 49, 1), ...rows(null, 0, 5)];

  it('keeps as many rows as the target allows', () => {
    const all = wilsonInterval(212, 250)!.low;
    const upper = wilsonInterval(142, 150)!.low;
    expect(all).toBeLessThan(0.85);
    expect(upper).toBeGreaterThan(0.85);
    expect(thresholdForTarget(calibration, 0.85)).toEqual({
      threshold: 0.8,
      kept: 150,
      correct: 142,
      lowerBound: upper,
    });
    // All 250 kept: 212 right, lower bound 0.798.
    expect(thresholdForTarget(calibration, 0.79)).toMatchObject({ threshold: 0.6, kept: 250 });
    expect(thresholdForTarget(calibration, 0.8)).toMatchObject({ threshold: 0.8, kept: 150 });
    // The 50 rows at 1.0 alone: 49 right, but the lower bound of so few is only 0.895.
    expect(thresholdForTarget([...rows(0.9, 80, 20), ...rows(1, 49, 1)], 0.89)).toMatchObject({
      threshold: 1,
      kept: 50,
    });
  });

  it('escalates everything when no threshold reaches the target', () => {
    expect(thresholdForTarget(calibration, 0.9)).toEqual({ threshold: null, kept: 0, correct: 0, lowerBound: null });
    expect(thresholdForTarget([], 0.5).threshold).toBeNull();
  });
});
