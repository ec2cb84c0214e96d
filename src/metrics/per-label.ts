/**
 * Per-label precision, recall, F1 and support from a confusion matrix (rows ground truth, columns the judge), and
 * their macro average, as scikit-learn's `precision_recall_fscore_support` reports them.
 */
import type { ConfusionMatrix } from './confusion-matrix';

export interface LabelScores {
  /** The label's score. */
  score: number;
  /** Of the rows the judge gave this label, the share whose ground truth is it; null when the judge never gave it. */
  precision: number | null;
  /** Of the rows whose ground truth is this label, the share the judge gave it; null when no ground truth has it. */
  recall: number | null;
  /** Harmonic mean of precision and recall; null when either is null, 0 when both are 0. */
  f1: number | null;
  /** Ground-truth rows with this label. */
  support: number;
  /** Rows the judge gave this label. */
  predicted: number;
}

export function perLabelScores(m: ConfusionMatrix): LabelScores[] {
  return m.labels.map((score, i) => {
    const truePositives = m.matrix[i]![i]!;
    const support = sumOf(m.matrix[i]!);
    const predicted = sumOf(m.matrix.map((row) => row[i]!));
    const precision = predicted === 0 ? null : truePositives / predicted;
    const recall = support === 0 ? null : truePositives / support;
    const f1 =
      precision === null || recall === null
        ? null
        : precision + recall === 0
          ? 0
          : (2 * precision * recall) / (precision + recall);
    return { score, precision, recall, f1, support, predicted };
  });
}

/**
 * Unweighted mean F1 over the labels that occur on either side (scikit-learn's default label set), counting an
 * undefined F1 (a label only one side used) as 0, as scikit-learn's `zero_division=0` does; null with no rows.
 */
export function macroF1(labels: LabelScores[]): number | null {
  const used = labels.filter((l) => l.support > 0 || l.predicted > 0);
  if (used.length === 0) return null;
  return sumOf(used.map((l) => l.f1 ?? 0)) / used.length;
}

/** The accuracy of a judge that always answers the commonest ground-truth label (ties: the lowest score). */
export function majorityBaseline(m: ConfusionMatrix): { score: number; accuracy: number } | null {
  const supports = m.matrix.map(sumOf);
  const n = sumOf(supports);
  if (n === 0) return null;
  let best = 0;
  supports.forEach((s, i) => {
    if (s > supports[best]!) best = i;
  });
  return { score: m.labels[best]!, accuracy: supports[best]! / n };
}

function sumOf(values: number[]): number {
  let s = 0;
  for (const v of values) s += v;
  return s;
}
