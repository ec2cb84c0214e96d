/** The confusion matrix of an evaluator's scores against ground truth, over the criteria's label scores. */
export interface ConfusionMatrix {
  /** Label scores, ascending: row i is ground truth labels[i], column j is predicted labels[j]. */
  labels: number[];
  matrix: number[][];
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
