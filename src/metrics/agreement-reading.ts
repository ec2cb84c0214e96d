/**
 * Agreement in plain words: which statistics are undefined and why, when the data are too few to tell (with a
 * sample-size estimate), and when a judge is indistinguishable from a baseline that needs no judge.
 */
import type { AgreementSummary } from './agreement-summary';

/** An interval wider than this cannot tell a fair judge from a good one. */
export const WIDE_INTERVAL = 0.2;
/** The half-width the sample-size estimate aims at. */
export const TARGET_HALF_WIDTH = 0.05;

/**
 * Labelled rows needed in all for a κ interval of ±`TARGET_HALF_WIDTH`, from the observed one: an interval's width
 * shrinks as 1/√n, so n' = n · (half-width / target)². A planning figure, not a guarantee (it assumes the new rows
 * look like the old ones).
 */
export function rowsForHalfWidth(compared: number, halfWidth: number, target = TARGET_HALF_WIDTH): number {
  return Math.ceil(compared * (halfWidth / target) ** 2);
}

export function readAgreement(s: Omit<AgreementSummary, 'notes'>): string[] {
  const notes: string[] = [];
  if (s.compared === 0) {
    notes.push(
      s.scored === 0
        ? 'no row was scored: nothing to compare with the ground truth'
        : 'no scored row has ground truth (or a ground truth among the labels): nothing to compare',
    );
    return notes;
  }
  if (s.kappa === null)
    notes.push("Cohen's κ is undefined: the judge and the ground truth used one and the same label throughout");
  const k = s.intervals.kappa;
  if (s.kappa !== null && k === null)
    notes.push("κ's interval is undefined: in too many resamples one label was left on both sides (too few rows)");
  if (k && k.high - k.low > WIDE_INTERVAL) {
    const halfWidth = (k.high - k.low) / 2;
    const more = rowsForHalfWidth(s.compared, halfWidth) - s.compared;
    notes.push(
      `too few labelled rows to tell: κ is somewhere from ${fmt(k.low)} to ${fmt(k.high)} (${s.compared} compared); ` +
        `about ${more} more would narrow it to ±${TARGET_HALF_WIDTH}`,
    );
  }
  if (k && k.low <= 0 && k.high >= 0) notes.push("κ's interval includes 0: agreement beyond chance is not shown");
  const a = s.intervals.accuracy;
  const base = s.baseline.majorityAccuracy;
  if (a && base !== null && a.low <= base)
    notes.push(
      `accuracy (interval ${pct(a.low)} to ${pct(a.high)}) is not shown to beat always answering the commonest ` +
        `label (score ${s.baseline.majorityScore}: ${pct(base)})`,
    );
  return notes;
}

const fmt = (x: number) => x.toFixed(2);
const pct = (x: number) => `${(x * 100).toFixed(1)} %`;
