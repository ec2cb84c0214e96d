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

export interface Sampling {
  samples: number;
  aggregation: Aggregation;
}

export const SINGLE_SAMPLE: Sampling = { samples: 1, aggregation: 'majority' };
