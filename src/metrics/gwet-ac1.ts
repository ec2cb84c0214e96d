/**
 * Gwet's AC1 for two raters (Gwet 2008, "Computing inter-rater reliability and its variance in the presence of high
 * agreement", British Journal of Mathematical and Statistical Psychology 61, 29–48): chance agreement from how far
 * the labels' average use is from uniform, so one dominant label does not drive it to zero as it does Cohen's κ.
 */
import type { ConfusionMatrix } from './confusion-matrix';

/**
 * AC1 = (pa − pe) / (1 − pe), pa the observed agreement, pe = Σₖ πₖ(1 − πₖ) / (q − 1), πₖ the share of label k over
 * both raters' answers and q the number of labels of the scale (the criteria's, used or not). Null with no rows or
 * fewer than two labels.
 */
export function gwetAc1(m: ConfusionMatrix): number | null {
  const q = m.labels.length;
  let n = 0;
  let agreed = 0;
  m.matrix.forEach((row, i) => {
    row.forEach((count, j) => {
      n += count;
      if (i === j) agreed += count;
    });
  });
  if (n === 0 || q < 2) return null;
  let chance = 0;
  for (let k = 0; k < q; k++) {
    let uses = 0;
    for (let i = 0; i < q; i++) uses += m.matrix[k]![i]! + m.matrix[i]![k]!;
    const pi = uses / (2 * n);
    chance += pi * (1 - pi);
  }
  // pe is at most 1/q (all labels used equally), so 1 − pe is never 0.
  const pe = chance / (q - 1);
  return (agreed / n - pe) / (1 - pe);
}
