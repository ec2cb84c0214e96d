/**
 * One verdict from several samples of a judge (self-consistency, Wang et al. 2023), by the rules documented with
 * AGGREGATIONS (src/shared/sampling.ts). Confidence is the share of samples that gave the verdict's score.
 */

/** As AGGREGATIONS in src/shared/sampling.ts (metrics import nothing outside themselves). */
export type SampleAggregation = 'majority' | 'median' | 'mean';

export interface AggregatedVerdict {
  score: number;
  /** Share of the samples whose score is the verdict's (0..1). */
  confidence: number;
  /** The samples' mean score. */
  meanScore: number;
}

/** `scores` in sample order (at least one); `labelScores` the criteria's scores, for `mean`. */
export function aggregateSamples(
  scores: readonly number[],
  aggregation: SampleAggregation,
  labelScores: readonly number[],
): AggregatedVerdict {
  if (scores.length === 0) throw new RangeError('aggregateSamples needs at least one score');
  const meanScore = scores.reduce((a, b) => a + b, 0) / scores.length;
  const score =
    aggregation === 'majority'
      ? majority(scores)
      : aggregation === 'median'
        ? lowerMedian(scores)
        : nearestLabel(meanScore, labelScores.length ? labelScores : scores);
  const confidence = scores.filter((s) => s === score).length / scores.length;
  return { score, confidence, meanScore };
}

/** The most frequent score; among tied ones, the one the earliest sample gave. */
function majority(scores: readonly number[]): number {
  const counts = new Map<number, number>();
  for (const s of scores) counts.set(s, (counts.get(s) ?? 0) + 1);
  const most = Math.max(...counts.values());
  return scores.find((s) => counts.get(s) === most)!;
}

function lowerMedian(scores: readonly number[]): number {
  const sorted = [...scores].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
}

/** The label score nearest to `value`; halfway between two, the lower. */
function nearestLabel(value: number, labelScores: readonly number[]): number {
  let best = labelScores[0]!;
  for (const s of labelScores) {
    const d = Math.abs(s - value);
    const bestD = Math.abs(best - value);
    if (d < bestD - 1e-9 || (Math.abs(d - bestD) <= 1e-9 && s < best)) best = s;
  }
  return best;
}
