/**
 * One verdict from the judge's probability over the label scores (logprob scoring): the argmax (`majority`), the
 * distribution's median, or the label nearest its mean; with the probability of the verdict as its confidence, the
 * expected score and the entropy in bits (0 = certain, log2(k) = uniform over k labels).
 */
import type { AggregatedVerdict, SampleAggregation } from './sample-aggregation';

export interface DistributionVerdict extends AggregatedVerdict {
  entropyBits: number;
}

/** `distribution` over the criteria's label scores (probabilities summing to 1). */
export function distributionVerdict(
  distribution: readonly { score: number; p: number }[],
  aggregation: SampleAggregation,
): DistributionVerdict {
  if (distribution.length === 0) throw new RangeError('distributionVerdict needs at least one label');
  const sorted = [...distribution].sort((a, b) => a.score - b.score);
  const meanScore = sorted.reduce((sum, d) => sum + d.p * d.score, 0);
  let score: number;
  if (aggregation === 'majority') {
    // The most probable score; of equally probable ones, the lowest.
    score = sorted.reduce((best, d) => (d.p > best.p + 1e-12 ? d : best)).score;
  } else if (aggregation === 'median') {
    // The lowest score whose cumulative probability reaches one half.
    let cumulative = 0;
    score = sorted.find((d) => (cumulative += d.p) >= 0.5 - 1e-12)?.score ?? sorted.at(-1)!.score;
  } else {
    score = sorted.reduce((best, d) =>
      Math.abs(d.score - meanScore) < Math.abs(best.score - meanScore) - 1e-9 ? d : best,
    ).score;
  }
  const entropyBits = -sorted.reduce((sum, d) => (d.p > 0 ? sum + d.p * Math.log2(d.p) : sum), 0);
  return {
    score,
    confidence: sorted.find((d) => d.score === score)!.p,
    meanScore,
    entropyBits: Math.max(0, entropyBits),
  };
}
