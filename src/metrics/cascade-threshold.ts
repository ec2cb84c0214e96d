/**
 * The escalation threshold of a cascade that must reach a target accuracy: on labelled calibration rows, the lowest
 * confidence threshold t (the least escalation) whose kept rows — confidence ≥ t — the cheap judge gets right with a
 * Wilson 95 % lower bound of at least the target. The rows below t go to the stronger judge. A simplified form of the
 * fixed-sequence selection in "Trust or Escalate" (Jung et al., ICLR 2025): the guarantee covers the kept rows, so the
 * cascade meets the target when the stronger judge does on the rows it gets.
 */
import { wilsonInterval } from './verdict-flips';

export interface CalibrationRow {
  /** The cheap judge's confidence in its verdict; null for a row it could not judge (always escalated). */
  confidence: number | null;
  correct: boolean;
}

export interface ChosenThreshold {
  /** null: no threshold reaches the target, every row is escalated. */
  threshold: number | null;
  /** Calibration rows kept at that threshold, and how many of them the cheap judge got right. */
  kept: number;
  correct: number;
  /** Wilson's 95 % lower bound of the kept rows' accuracy. */
  lowerBound: number | null;
}

export function thresholdForTarget(rows: readonly CalibrationRow[], target: number): ChosenThreshold {
  const candidates = [...new Set(rows.flatMap((r) => (r.confidence === null ? [] : [r.confidence])))].sort(
    (a, b) => a - b,
  );
  for (const t of candidates) {
    const kept = rows.filter((r) => r.confidence !== null && r.confidence >= t);
    const correct = kept.filter((r) => r.correct).length;
    const lowerBound = wilsonInterval(correct, kept.length)?.low ?? null;
    if (lowerBound !== null && lowerBound >= target) return { threshold: t, kept: kept.length, correct, lowerBound };
  }
  return { threshold: null, kept: 0, correct: 0, lowerBound: null };
}
