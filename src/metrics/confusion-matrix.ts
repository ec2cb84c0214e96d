/** The confusion matrix of an evaluator's scores against ground truth, over the criteria's label scores. */
export interface ConfusionMatrix {
  /** Label scores, ascending: row i is ground truth labels[i], column j is predicted labels[j]. */
  labels: number[];
  matrix: number[][];
}

/** The criteria's label scores ascending (each once), and each score's position among them. */
export function labelPositions(labelScores: number[]): { labels: number[]; index: Map<number, number> } {
  const labels = [...new Set(labelScores)].sort((a, b) => a - b);
  return { labels, index: new Map(labels.map((s, i) => [s, i])) };
}

/**
 * The confusion matrix of pairs given as label positions (`truths[p]`, `predicted[p]`), pair p weighing `weights[p]`
 * (1 without weights): the accumulators' point estimates and every bootstrap resample.
 */
export function weightedConfusion(
  labels: number[],
  truths: readonly number[],
  predicted: readonly number[],
  weights: Uint32Array | null,
): ConfusionMatrix {
  const k = labels.length;
  const counts = new Float64Array(k * k);
  for (let p = 0; p < truths.length; p++) counts[truths[p]! * k + predicted[p]!]! += weights ? weights[p]! : 1;
  return { labels, matrix: labels.map((_, i) => Array.from(counts.subarray(i * k, (i + 1) * k))) };
}

/** The confusion matrix of (truth, predicted) pairs over `labelScores` (scores outside them are ignored). */
export function confusionMatrix(
  pairs: Iterable<[truth: number, predicted: number]>,
  labelScores: number[],
): ConfusionMatrix {
  const { labels, index } = labelPositions(labelScores);
  const matrix = labels.map(() => labels.map(() => 0));
  for (const [truth, predicted] of pairs) {
    const i = index.get(truth);
    const j = index.get(predicted);
    if (i !== undefined && j !== undefined) matrix[i]![j]! += 1;
  }
  return { labels, matrix };
}
