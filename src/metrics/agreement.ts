/**
 * Agreement of an evaluator's scores with ground truth: per datapoint (`agrees`) and in aggregate (accuracy,
 * Cohen's kappa, weighted kappa for ordinal scores, Krippendorff's α, Gwet's AC1, per-label P/R/F1, the majority
 * baseline, confusion matrix, coverage), each aggregate with a seeded bootstrap interval and a plain-words reading.
 * Pure functions, plus an accumulator so per-evaluator and per-slice aggregates come out of one streaming pass.
 */
import { readAgreement } from './agreement-reading';
import { INTERVAL_KEYS, type AgreementOptions, type AgreementSummary, type IntervalKey } from './agreement-summary';
import { bootstrapIntervals } from './bootstrap';
import { confusionMatrix, labelPositions, weightedConfusion, type ConfusionMatrix } from './confusion-matrix';
import { gwetAc1 } from './gwet-ac1';
import { twoCoderAlpha } from './krippendorff-alpha';
import { macroF1, majorityBaseline, perLabelScores } from './per-label';

export { confusionMatrix, INTERVAL_KEYS };
export type { AgreementOptions, AgreementSummary, ConfusionMatrix, IntervalKey };

/** true/false when both sides have a score; null when either is missing (not run, errored, no ground truth). */
export function agrees(score: number | null | undefined, groundTruth: number | null | undefined): boolean | null {
  if (score === null || score === undefined || groundTruth === null || groundTruth === undefined) return null;
  return score === groundTruth;
}

export type WeightScheme = 'linear' | 'quadratic';

/** Every interval statistic of one confusion matrix: the point estimate, and each bootstrap replicate. */
export function agreementStatistics(m: ConfusionMatrix): Record<IntervalKey, number | null> {
  return {
    accuracy: accuracy(m),
    kappa: cohensKappa(m),
    weightedKappaLinear: weightedKappa(m, 'linear'),
    weightedKappaQuadratic: weightedKappa(m, 'quadratic'),
    alphaOrdinal: twoCoderAlpha(m.labels, m.matrix, 'ordinal'),
    alphaInterval: twoCoderAlpha(m.labels, m.matrix, 'interval'),
    ac1: gwetAc1(m),
    macroF1: macroF1(perLabelScores(m)),
  };
}

/**
 * Resamples by default: 2000, fewer above 10,000 compared rows so one summary stays within about 2·10⁷ draws (at
 * least 200; an interval over that many rows is narrow, and the method names the B used). The summary is computed in
 * a worker's activity beside row activities that heartbeat every few seconds: it must not hold the event loop long.
 */
export function resamplesFor(compared: number): number {
  return Math.max(200, Math.min(2000, Math.floor(2e7 / Math.max(1, compared))));
}

export function accuracy(m: ConfusionMatrix): number | null {
  let n = 0;
  let agreed = 0;
  m.matrix.forEach((row, i) => {
    for (const count of row) n += count;
    agreed += row[i]!;
  });
  return n === 0 ? null : agreed / n;
}

/** Cohen's kappa: (po - pe) / (1 - pe). */
export function cohensKappa(m: ConfusionMatrix): number | null {
  return weightedKappaOf(m, (i, j) => (i === j ? 0 : 1));
}

/**
 * Weighted kappa for ordinal labels: disagreement weights |i-j|/(k-1) (linear) or (|i-j|/(k-1))² (quadratic),
 * over label positions; κw = 1 - Σ w·observed / Σ w·expected.
 */
export function weightedKappa(m: ConfusionMatrix, scheme: WeightScheme): number | null {
  const k = m.labels.length;
  if (k < 2) return null;
  return weightedKappaOf(m, (i, j) => {
    const d = Math.abs(i - j) / (k - 1);
    return scheme === 'linear' ? d : d * d;
  });
}

function weightedKappaOf(m: ConfusionMatrix, weight: (i: number, j: number) => number): number | null {
  const k = m.labels.length;
  const rows = new Array<number>(k).fill(0);
  const cols = new Array<number>(k).fill(0);
  let n = 0;
  for (let i = 0; i < k; i++)
    for (let j = 0; j < k; j++) {
      const count = m.matrix[i]![j]!;
      rows[i]! += count;
      cols[j]! += count;
      n += count;
    }
  if (n === 0) return null;
  let observed = 0;
  let expected = 0;
  for (let i = 0; i < k; i++)
    for (let j = 0; j < k; j++) {
      const w = weight(i, j);
      observed += w * m.matrix[i]![j]!;
      expected += (w * rows[i]! * cols[j]!) / n;
    }
  // Chance disagreement 0: both raters used one and the same label throughout; kappa is undefined.
  if (expected === 0) return null;
  return 1 - observed / expected;
}

export function coverage(scored: number, total: number): number | null {
  return total === 0 ? null : scored / total;
}

/** Adds datapoints one at a time; `summary()` gives the aggregates so far, with their intervals. */
export class AgreementAccumulator {
  private total = 0;
  private scored = 0;
  private errors = 0;
  private readonly labels: number[];
  private readonly index: Map<number, number>;
  /** The compared pairs as label positions, and each pair's cluster (when clustering), for the bootstrap. */
  private readonly truths: number[] = [];
  private readonly predictions: number[] = [];
  private readonly clusters: number[] = [];
  private readonly clusterIds = new Map<string, number>();

  constructor(
    labelScores: number[],
    private readonly options: AgreementOptions = {},
  ) {
    ({ labels: this.labels, index: this.index } = labelPositions(labelScores));
  }

  /**
   * One datapoint the evaluator was run on: its score (null if none), the ground truth, whether it errored, and
   * (with `clusterColumn`) its value of that column; rows without a value are each a cluster of their own.
   */
  add(predicted: number | null, truth: number | null, errored = false, cluster: string | null = null): void {
    this.total += 1;
    if (errored) this.errors += 1;
    if (predicted === null) return;
    this.scored += 1;
    if (truth === null) return;
    const i = this.index.get(truth);
    const j = this.index.get(predicted);
    if (i === undefined || j === undefined) return;
    this.truths.push(i);
    this.predictions.push(j);
    if (this.options.clusterColumn) {
      const key = cluster === null ? `\u0000row ${this.truths.length}` : `=${cluster}`;
      let id = this.clusterIds.get(key);
      if (id === undefined) this.clusterIds.set(key, (id = this.clusterIds.size));
      this.clusters.push(id);
    }
  }

  summary(): AgreementSummary {
    const n = this.truths.length;
    const confusion = this.confusionOf(null);
    const point = agreementStatistics(confusion);
    const clustered = Boolean(this.options.clusterColumn);
    const bootstrap = bootstrapIntervals(n, (w) => agreementStatistics(this.confusionOf(w)), INTERVAL_KEYS, {
      resamples: this.options.resamples ?? resamplesFor(n),
      seed: this.options.seed,
      level: this.options.level,
      clusters: clustered ? Int32Array.from(this.clusters) : null,
      clusterColumn: this.options.clusterColumn ?? null,
    });
    const perLabel = perLabelScores(confusion);
    const baseline = majorityBaseline(confusion);
    const summary: AgreementSummary = {
      total: this.total,
      scored: this.scored,
      errors: this.errors,
      coverage: coverage(this.scored, this.total),
      compared: n,
      accuracy: point.accuracy,
      kappa: point.kappa,
      weightedKappa: { linear: point.weightedKappaLinear, quadratic: point.weightedKappaQuadratic },
      alpha: { ordinal: point.alphaOrdinal, interval: point.alphaInterval },
      ac1: point.ac1,
      macroF1: point.macroF1,
      perLabel,
      baseline: { majorityScore: baseline?.score ?? null, majorityAccuracy: baseline?.accuracy ?? null, kappa: 0 },
      intervals: bootstrap.intervals,
      intervalMethod: bootstrap.method,
      confusion,
      notes: [],
    };
    summary.notes = readAgreement(summary);
    return summary;
  }

  private confusionOf(weights: Uint32Array | null): ConfusionMatrix {
    return weightedConfusion(this.labels, this.truths, this.predictions, weights);
  }
}

/** Summary of a list of (predicted, truth) pairs, each with its cluster when `options.clusterColumn` is set. */
export function summarizeAgreement(
  pairs: [predicted: number | null, truth: number | null, cluster?: string | null][],
  labelScores: number[],
  options: AgreementOptions = {},
): AgreementSummary {
  const acc = new AgreementAccumulator(labelScores, options);
  for (const [p, t, cluster = null] of pairs) acc.add(p, t, false, cluster);
  return acc.summary();
}
