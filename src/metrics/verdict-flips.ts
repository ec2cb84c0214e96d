/**
 * How far verdicts move between two runs over the same rows that differ in one thing only — the order the labels are
 * listed in, or the wording of the prompt: the share of rows whose verdict flips, with Wilson's 95 % interval, and the
 * mean score shift with a normal-approximation 95 % interval.
 */
import type { Interval } from './bootstrap';

const Z95 = 1.959963984540054;

/** Wilson's score interval for `successes` of `n` at 95 % (Wilson 1927); null for n = 0. */
export function wilsonInterval(successes: number, n: number): Interval | null {
  if (n === 0) return null;
  const p = successes / n;
  const z2 = Z95 * Z95;
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = (Z95 * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / (1 + z2 / n);
  return { low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}

/** The mean of `values` and its 95 % interval, mean ± z · s / √n (sample standard deviation); null for n < 2. */
export function meanInterval(values: readonly number[]): { mean: number; interval: Interval } | null {
  const n = values.length;
  if (n < 2) return null;
  const mean = values.reduce((a, b) => a + b, 0) / n;
  const sd = Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (n - 1));
  const half = (Z95 * sd) / Math.sqrt(n);
  return { mean, interval: { low: mean - half, high: mean + half } };
}

export interface VerdictFlips {
  /** Rows both runs scored (the decisive pairs). */
  decisive: number;
  flips: number;
  flipRate: number | null;
  flipInterval: Interval | null;
  /** The mean of (score in B − score in A) over the decisive rows, and its interval. */
  meanShift: number | null;
  shiftInterval: Interval | null;
}

export function verdictFlips(pairs: readonly { a: number | null; b: number | null }[]): VerdictFlips {
  const decisive = pairs.filter((p): p is { a: number; b: number } => p.a !== null && p.b !== null);
  const flips = decisive.filter((p) => p.a !== p.b).length;
  const shift = meanInterval(decisive.map((p) => p.b - p.a));
  return {
    decisive: decisive.length,
    flips,
    flipRate: decisive.length ? flips / decisive.length : null,
    flipInterval: wilsonInterval(flips, decisive.length),
    meanShift: shift?.mean ?? null,
    shiftInterval: shift?.interval ?? null,
  };
}
