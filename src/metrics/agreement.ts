/**
 * Agreement of an evaluator's scores with ground truth: per datapoint (`agrees`) and in aggregate (accuracy,
 * Cohen's kappa, weighted kappa for ordinal scores, confusion matrix, coverage). Pure functions, plus an
 * accumulator so per-evaluator and per-slice aggregates come out of one streaming pass.
 */

/** true/false when both sides have a score; null when either is missing (not run, errored, no ground truth). */
export function agrees(score: number | null | undefined, groundTruth: number | null | undefined): boolean | null {
  if (score === null || score === undefined || groundTruth === null || groundTruth === undefined) return null;
  return score === groundTruth;
}

export interface ConfusionMatrix {
  /** Label scores, ascending: row i is ground truth labels[i], column j is predicted labels[j]. */
  labels: number[];
  matrix: number[][];
}

export type WeightScheme = 'linear' | 'quadratic';

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
  confusion: ConfusionMatrix;
}

/** The confusion matrix of (truth, predicted) pairs over `labelScores` (scores outside them are ignored). */
export function confusionMatrix(
  pairs: Iterable<[truth: number, predicted: number]>,
  labelScores: number[],
): ConfusionMatrix {
  const labels = [...new Set(labelScores)].sort((a, b) => a - b);
  const index = new Map(labels.map((s, i) => [s, i]));
  const matrix = labels.map(() => labels.map(() => 0));
  for (const [truth, predicted] of pairs) {
    const i = index.get(truth);
    const j = index.get(predicted);
    if (i !== undefined && j !== undefined) matrix[i]![j]! += 1;
  }
  return { labels, matrix };
}

export function accuracy(m: ConfusionMatrix): number | null {
  const n = sum(m.matrix.flat());
  return n === 0 ? null : sum(m.matrix.map((row, i) => row[i]!)) / n;
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
  const n = sum(m.matrix.flat());
  if (n === 0) return null;
  const rows = m.matrix.map(sum);
  const cols = m.labels.map((_, j) => sum(m.matrix.map((row) => row[j]!)));
  let observed = 0;
  let expected = 0;
  m.matrix.forEach((row, i) => {
    row.forEach((count, j) => {
      const w = weight(i, j);
      observed += w * count;
      expected += (w * rows[i]! * cols[j]!) / n;
    });
  });
  // Chance disagreement 0: both raters used one and the same label throughout; kappa is undefined.
  if (expected === 0) return null;
  return 1 - observed / expected;
}

export function coverage(scored: number, total: number): number | null {
  return total === 0 ? null : scored / total;
}

/** Adds datapoints one at a time; `summary()` gives the aggregates so far. */
export class AgreementAccumulator {
  private total = 0;
  private scored = 0;
  private errors = 0;
  private readonly confusion: ConfusionMatrix;
  private readonly index: Map<number, number>;

  constructor(labelScores: number[]) {
    this.confusion = confusionMatrix([], labelScores);
    this.index = new Map(this.confusion.labels.map((s, i) => [s, i]));
  }

  /** One datapoint the evaluator was run on: its score (null if none), the ground truth, whether it errored. */
  add(predicted: number | null, truth: number | null, errored = false): void {
    this.total += 1;
    if (errored) this.errors += 1;
    if (predicted === null) return;
    this.scored += 1;
    if (truth === null) return;
    const i = this.index.get(truth);
    const j = this.index.get(predicted);
    if (i !== undefined && j !== undefined) this.confusion.matrix[i]![j]! += 1;
  }

  summary(): AgreementSummary {
    const confusion = { labels: [...this.confusion.labels], matrix: this.confusion.matrix.map((r) => [...r]) };
    return {
      total: this.total,
      scored: this.scored,
      errors: this.errors,
      coverage: coverage(this.scored, this.total),
      compared: sum(confusion.matrix.flat()),
      accuracy: accuracy(confusion),
      kappa: cohensKappa(confusion),
      weightedKappa: { linear: weightedKappa(confusion, 'linear'), quadratic: weightedKappa(confusion, 'quadratic') },
      confusion,
    };
  }
}

/** Summary of a list of (predicted, truth) pairs. */
export function summarizeAgreement(
  pairs: [predicted: number | null, truth: number | null][],
  labelScores: number[],
): AgreementSummary {
  const acc = new AgreementAccumulator(labelScores);
  for (const [p, t] of pairs) acc.add(p, t);
  return acc.summary();
}

function sum(values: number[]): number {
  let s = 0;
  for (const v of values) s += v;
  return s;
}
