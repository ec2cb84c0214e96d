/**
 * Self-consistency: how many judgements an execution asks for per row and how they become one verdict. Side-effect
 * free (the SDK, services and activities share it).
 */

/** The most samples per row: beyond it the verdict barely moves and the cost grows linearly. */
export const MAX_SAMPLES = 20;

/**
 * `majority`: the most frequent score (nominal labels); a tie goes to the tied score the earliest sample gave.
 * `median`: the median score (ordinal labels); with an even count, the lower of the two middle scores.
 * `mean`: the label score nearest to the mean (ordinal labels); a mean halfway between two goes to the lower.
 */
export const AGGREGATIONS = ['majority', 'median', 'mean'] as const;
export type Aggregation = (typeof AGGREGATIONS)[number];

/**
 * `answer`: the score the judge answers. `logprobs`: the judge's probability over the label scores, read from the
 * token logprobs of its answer; the verdict is the distribution's argmax (`majority`), median or nearest label to its
 * mean (docs/judging.md).
 */
export const SCORINGS = ['answer', 'logprobs'] as const;
export type Scoring = (typeof SCORINGS)[number];

/** What logprob scoring does when the model returns no logprobs: fail the execution (null), or sample. */
export const SCORING_FALLBACKS = ['samples'] as const;
export type ScoringFallback = (typeof SCORING_FALLBACKS)[number];

/** Samples a logprob-scored row falls back to when its model returns no logprobs and `samples` is 1. */
export const FALLBACK_SAMPLES = 5;

/**
 * The order a row's labels are listed to the judge: `shuffled` per row by a seed from its x_uid (the default: a
 * judge's preference for the first-listed label then averages out instead of favouring one label), `fixed` as the
 * criteria lists them, `reversed` (with `fixed`, what measuring the bias compares).
 */
export const LABEL_ORDERS = ['shuffled', 'fixed', 'reversed'] as const;
export type LabelOrder = (typeof LABEL_ORDERS)[number];

/** How an execution makes each row's verdict. */
export interface Sampling {
  samples: number;
  aggregation: Aggregation;
  scoring: Scoring;
  scoringFallback: ScoringFallback | null;
  labelOrder: LabelOrder;
}

/** How the scores of an execution were made, in words (reports, exports, the CLI). */
export function verdictMethod(s: Sampling): string {
  const order = { shuffled: 'labels shuffled per row', fixed: 'labels in order', reversed: 'labels reversed' };
  return `${scoringMethod(s)}; ${order[s.labelOrder]}`;
}

function scoringMethod(s: Sampling): string {
  if (s.scoring === 'logprobs') {
    const rule = {
      majority: 'the most probable label',
      median: "the distribution's median",
      mean: 'the label nearest the expected score',
    }[s.aggregation];
    const fallback = s.scoringFallback ? `, or ${Math.max(s.samples, FALLBACK_SAMPLES)} samples without logprobs` : '';
    return `logprobs: ${rule}${fallback}`;
  }
  return s.samples > 1 ? `${s.samples} samples, ${s.aggregation}` : 'one answer';
}
