/**
 * A jury: several judges' votes on the same rows made one verdict, and what tells whether the panel is worth its
 * cost — each juror's agreement with the ground truth, the jurors' agreement with each other (Fleiss' κ, Krippendorff's
 * α), how far their errors coincide, and the effective number of independent votes that follows from it.
 */

/** `majority` (ties to the lower score), `median` (lower middle), `mean` (nearest label, ties lower), `weighted`. */
export const JURY_RULES = ['majority', 'median', 'mean', 'weighted'] as const;
export type JuryRule = (typeof JURY_RULES)[number];

/**
 * One row's verdict from its jurors' votes (null: the juror has no score for it); null when nobody voted. `weights`
 * (for `weighted`) per juror: the label with the most weight wins, ties to the lower score.
 */
export function juryVerdict(
  votes: readonly (number | null)[],
  rule: JuryRule,
  labelScores: readonly number[],
  weights?: readonly number[],
): number | null {
  const cast = votes.flatMap((v, i) => (v === null ? [] : [{ v, w: rule === 'weighted' ? (weights?.[i] ?? 1) : 1 }]));
  if (!cast.length) return null;
  if (rule === 'median') {
    const sorted = cast.map((c) => c.v).sort((a, b) => a - b);
    return sorted[Math.floor((sorted.length - 1) / 2)]!;
  }
  if (rule === 'mean') {
    const mean = cast.reduce((s, c) => s + c.v, 0) / cast.length;
    return [...labelScores]
      .sort((a, b) => a - b)
      .reduce((best, s) => (Math.abs(s - mean) < Math.abs(best - mean) - 1e-9 ? s : best));
  }
  const tally = new Map<number, number>();
  for (const c of cast) tally.set(c.v, (tally.get(c.v) ?? 0) + c.w);
  return [...tally].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0]![0];
}

/**
 * Weighted-majority weights from each juror's accuracy on labelled rows: the log-odds ln(a / (1 − a)) of its
 * Laplace-smoothed accuracy a = (correct + 1) / (n + 2), optimal for independent jurors (Nitzan & Paroush 1982);
 * a juror no better than chance gets 0.
 */
export function logOddsWeight(correct: number, n: number): number {
  const a = (correct + 1) / (n + 2);
  return a <= 0.5 ? 0 : Math.log(a / (1 - a));
}

/**
 * Fleiss' κ over rows each rated by the same number of raters (at least two): (P̄ − P̄ₑ) / (1 − P̄ₑ). Null without
 * such rows, or when every rating is one category (P̄ₑ = 1).
 */
export function fleissKappa(rows: readonly (readonly number[])[]): number | null {
  const rated = rows.filter((r) => r.length >= 2);
  if (!rated.length) return null;
  const n = rated[0]!.length;
  if (rated.some((r) => r.length !== n)) throw new RangeError('fleissKappa needs the same number of ratings per row');
  const totals = new Map<number, number>();
  let pBar = 0;
  for (const r of rated) {
    const counts = new Map<number, number>();
    for (const v of r) counts.set(v, (counts.get(v) ?? 0) + 1);
    for (const [v, c] of counts) totals.set(v, (totals.get(v) ?? 0) + c);
    pBar += ([...counts.values()].reduce((s, c) => s + c * c, 0) - n) / (n * (n - 1));
  }
  pBar /= rated.length;
  const pe = [...totals.values()].reduce((s, c) => s + (c / (rated.length * n)) ** 2, 0);
  return pe >= 1 - 1e-12 ? null : (pBar - pe) / (1 - pe);
}

/** Pearson's correlation of two equally long series; null when either does not vary. */
export function correlation(x: readonly number[], y: readonly number[]): number | null {
  const n = x.length;
  if (n < 2 || y.length !== n) return null;
  const mx = x.reduce((a, b) => a + b, 0) / n;
  const my = y.reduce((a, b) => a + b, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (x[i]! - mx) * (y[i]! - my);
    sxx += (x[i]! - mx) ** 2;
    syy += (y[i]! - my) ** 2;
  }
  return sxx === 0 || syy === 0 ? null : sxy / Math.sqrt(sxx * syy);
}

/**
 * The effective number of independent votes of `jurors` whose errors correlate by `meanCorrelation` on average:
 * n / (1 + (n − 1) ρ̄), Kish's design effect for equicorrelated observations — 1 when their errors coincide (ρ̄ = 1),
 * n when they are independent (ρ̄ = 0). A negative ρ̄ is taken as 0 (at most n votes).
 */
export function effectiveVotes(jurors: number, meanCorrelation: number): number {
  const rho = Math.min(1, Math.max(0, meanCorrelation));
  return jurors / (1 + (jurors - 1) * rho);
}
