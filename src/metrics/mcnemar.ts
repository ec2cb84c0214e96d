/**
 * McNemar's exact test of paired correct/incorrect outcomes: of the n = b + c pairs where exactly one of two judges
 * was right, is the split b : c further from even than chance allows? Two-sided binomial p-value, as statsmodels'
 * `mcnemar(table, exact=True)` computes it: min(1, 2 · P(X ≤ min(b, c))), X ~ Binomial(n, 1/2).
 */
export function mcnemarExactP(b: number, c: number): number {
  const n = b + c;
  if (n === 0) return 1;
  const k = Math.min(b, c);
  // P(X = i) = C(n, i) / 2ⁿ, summed in log space so n in the millions neither overflows nor underflows to 0 early.
  let logTerm = -n * Math.LN2; // log P(X = 0)
  let tail = Math.exp(logTerm);
  for (let i = 1; i <= k; i++) {
    logTerm += Math.log(n - i + 1) - Math.log(i);
    tail += Math.exp(logTerm);
  }
  return Math.min(1, 2 * tail);
}
