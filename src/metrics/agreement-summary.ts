/** What an agreement summary holds, and the settings of its intervals (computed in agreement.ts). */
import type { BootstrapMethod, BootstrapOptions, Interval } from './bootstrap';
import type { ConfusionMatrix } from './confusion-matrix';
import type { LabelScores } from './per-label';

export interface AgreementSummary {
  /** Datapoints the evaluator was run on. */
  total: number;
  /** Of those, how many got a score. */
  scored: number;
  /** How many ended with a row error. */
  errors: number;
  /** scored / total (null when total is 0). */
  coverage: number | null;
  /** Scored datapoints that also have ground truth: the pairs the statistics below use. */
  compared: number;
  accuracy: number | null;
  /** Cohen's kappa; null with no pairs, or when chance agreement is 1 (a single label on both sides). */
  kappa: number | null;
  weightedKappa: { linear: number | null; quadratic: number | null };
  /** Krippendorff's α of the judge and the ground truth as two coders, over the label scores. */
  alpha: { ordinal: number | null; interval: number | null };
  /** Gwet's AC1 (robust when one label dominates, where κ is pulled towards 0). */
  ac1: number | null;
  macroF1: number | null;
  perLabel: LabelScores[];
  /** What needs no judge: always answering the commonest ground-truth label, and chance agreement (κ = 0). */
  baseline: { majorityScore: number | null; majorityAccuracy: number | null; kappa: 0 };
  /** 95 % (by default) intervals of each statistic; null when the data cannot place it (see `notes`). */
  intervals: Record<IntervalKey, Interval | null>;
  intervalMethod: BootstrapMethod;
  confusion: ConfusionMatrix;
  /** Plain-words readings: undefined statistics and why, too few rows to tell, indistinguishable from a baseline. */
  notes: string[];
}

/** How intervals are computed: the bootstrap's settings, and an optional dataset column to resample as clusters. */
export interface AgreementOptions extends BootstrapOptions {
  /** Rows with the same value of this dataset column (e.g. `conversation_id`) are resampled together. */
  clusterColumn?: string | null;
}

export const INTERVAL_KEYS = [
  'accuracy',
  'kappa',
  'weightedKappaLinear',
  'weightedKappaQuadratic',
  'alphaOrdinal',
  'alphaInterval',
  'ac1',
  'macroF1',
] as const;
export type IntervalKey = (typeof INTERVAL_KEYS)[number];
