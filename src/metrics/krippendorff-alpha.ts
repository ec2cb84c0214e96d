/**
 * Krippendorff's α (Krippendorff 2011, "Computing Krippendorff's Alpha-Reliability", University of Pennsylvania,
 * https://repository.upenn.edu/asc_papers/43): 1 − observed / expected disagreement over the coincidence matrix of
 * the values coders gave the same unit, for any number of coders and missing values. The metric says how far apart
 * two values are: nominal (equal or not), ordinal (by how many values lie between them, from their frequencies) or
 * interval (their squared difference).
 */
export type AlphaMetric = 'nominal' | 'ordinal' | 'interval';

/**
 * α of `units` (each unit: the values its coders gave, null where a coder gave none). Units with fewer than two
 * values are not pairable and are left out. Null with no pairable unit, or when every value is the same (no
 * expected disagreement: α is undefined).
 */
export function krippendorffAlpha(units: readonly (readonly (number | null)[])[], metric: AlphaMetric): number | null {
  const { coincidences, add } = coincidenceMatrix();
  for (const unit of units) {
    const values = unit.filter((v): v is number => v !== null);
    const m = values.length;
    if (m < 2) continue;
    for (let a = 0; a < m; a++) for (let b = 0; b < m; b++) if (a !== b) add(values[a]!, values[b]!, 1 / (m - 1));
  }
  return alphaOfCoincidences(coincidences, metric);
}

/**
 * α of two coders from the matrix of how often they gave (first value, second value), over `values` ascending: a
 * pair (c, k) seen w times adds w to o(c, k) and to o(k, c), as a unit of two values does (1/(m − 1) = 1). Values
 * nobody gave change nothing. The bootstrap calls this once per resample, so it works on arrays.
 */
export function twoCoderAlpha(values: readonly number[], counts: readonly (readonly number[])[], metric: AlphaMetric) {
  const o = values.map((_, i) => values.map((__, j) => counts[i]![j]! + counts[j]![i]!));
  return alphaOfMatrix(values, o, metric);
}

/** o(c, k): how often value c was paired with value k within a unit, each unit weighing 1 per value. */
function coincidenceMatrix() {
  const coincidences = new Map<number, Map<number, number>>();
  const add = (c: number, k: number, w: number) => {
    let row = coincidences.get(c);
    if (!row) coincidences.set(c, (row = new Map<number, number>()));
    row.set(k, (row.get(k) ?? 0) + w);
  };
  return { coincidences, add };
}

function alphaOfCoincidences(o: Map<number, Map<number, number>>, metric: AlphaMetric): number | null {
  const values = [...o.keys()].sort((a, b) => a - b);
  return alphaOfMatrix(
    values,
    values.map((c) => values.map((k) => o.get(c)!.get(k) ?? 0)),
    metric,
  );
}

/** α from the coincidence matrix `o` over `values` ascending. */
function alphaOfMatrix(
  values: readonly number[],
  o: readonly (readonly number[])[],
  metric: AlphaMetric,
): number | null {
  const marginal = o.map((row) => row.reduce((s, x) => s + x, 0));
  const n = marginal.reduce((s, x) => s + x, 0);
  if (n <= 1 || values.length < 2) return null;
  // Prefix sums of the marginals, for the ordinal metric: Σ_{g=c..k} n_g − (n_c + n_k) / 2.
  const prefix = [0];
  for (const x of marginal) prefix.push(prefix[prefix.length - 1]! + x);
  const delta2 = (i: number, j: number): number => {
    if (i === j) return 0;
    if (metric === 'nominal') return 1;
    if (metric === 'interval') return (values[i]! - values[j]!) ** 2;
    const [lo, hi] = i < j ? [i, j] : [j, i];
    const d = prefix[hi + 1]! - prefix[lo]! - (marginal[lo]! + marginal[hi]!) / 2;
    return d * d;
  };
  let observed = 0;
  let expected = 0;
  for (let i = 0; i < values.length; i++)
    for (let j = 0; j < values.length; j++) {
      if (i === j || marginal[i] === 0 || marginal[j] === 0) continue;
      const d = delta2(i, j);
      observed += o[i]![j]! * d;
      expected += marginal[i]! * marginal[j]! * d;
    }
  if (expected === 0) return null;
  return 1 - ((n - 1) * observed) / expected;
}
