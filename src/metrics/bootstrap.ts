/**
 * Seeded percentile bootstrap: resample the datapoints (or whole clusters of them, e.g. every row of one conversation,
 * which are not independent) with replacement, recompute the statistics on each resample, and take the 2.5th and
 * 97.5th percentiles of each as its 95 % interval. The same input, order and seed give the same interval.
 */
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';

export interface BootstrapOptions {
  /** Resamples drawn (B). Default 2000. */
  resamples?: number;
  /** Seed of the resampling generator (xoroshiro128+). Default 1. */
  seed?: number;
  /** Coverage of the interval. Default 0.95. */
  level?: number;
}

export const BOOTSTRAP_DEFAULTS = { resamples: 2000, seed: 1, level: 0.95 } as const;

export interface Interval {
  low: number;
  high: number;
}

/** How an interval was computed, for the output to name it ("percentile bootstrap, B = 2000, seed 1"). */
export interface BootstrapMethod {
  method: 'percentile bootstrap';
  resamples: number;
  seed: number;
  level: number;
  /** The dataset column whose values were resampled as clusters; null when datapoints were resampled one by one. */
  clusterColumn: string | null;
  /** Resampled units: datapoints, or clusters. */
  units: number;
}

/**
 * Of resamples where a statistic is undefined (e.g. κ when a resample holds one label only), more than this share
 * means the data cannot place it: the interval is null rather than the spread of the lucky resamples.
 */
const MAX_UNDEFINED_SHARE = 0.1;

/**
 * Intervals of `statistics(weights)` where `weights[i]` is how often item i was drawn. `clusters[i]` (optional) is
 * item i's cluster: whole clusters are drawn, and each item weighs as often as its cluster was drawn.
 */
export function bootstrapIntervals<K extends string>(
  items: number,
  statistics: (weights: Uint32Array) => Record<K, number | null>,
  keys: readonly K[],
  options: BootstrapOptions & { clusters?: Int32Array | null; clusterColumn?: string | null } = {},
): { intervals: Record<K, Interval | null>; method: BootstrapMethod } {
  const resamples = options.resamples ?? BOOTSTRAP_DEFAULTS.resamples;
  const seed = options.seed ?? BOOTSTRAP_DEFAULTS.seed;
  const level = options.level ?? BOOTSTRAP_DEFAULTS.level;
  const clusters = options.clusters ?? null;
  const members = clusters ? clusterMembers(clusters) : null;
  const units = members ? members.length : items;
  const method: BootstrapMethod = {
    method: 'percentile bootstrap',
    resamples,
    seed,
    level,
    clusterColumn: options.clusterColumn ?? null,
    units,
  };
  const replicates = Object.fromEntries(keys.map((k) => [k, [] as number[]])) as Record<K, number[]>;
  if (units > 0) {
    const rng = xoroshiro128plus(seed);
    const weights = new Uint32Array(items);
    for (let r = 0; r < resamples; r++) {
      weights.fill(0);
      for (let u = 0; u < units; u++) {
        // Multiply-shift onto 0..units−1 from the generator's 32 bits (its strong high bits); the bias, at most
        // units / 2³², is far below the bootstrap's own noise, and this loop is most of its time.
        const drawn = Math.floor(((rng.next() >>> 0) * units) / 4294967296);
        if (members) for (const i of members[drawn]!) weights[i]! += 1;
        else weights[drawn]! += 1;
      }
      const values = statistics(weights);
      for (const k of keys) {
        const v = values[k];
        if (v !== null && Number.isFinite(v)) replicates[k].push(v);
      }
    }
  }
  const tail = (1 - level) / 2;
  const intervals = Object.fromEntries(
    keys.map((k) => {
      const values = replicates[k];
      if (units === 0 || values.length < resamples * (1 - MAX_UNDEFINED_SHARE)) return [k, null];
      values.sort((a, b) => a - b);
      return [k, { low: quantile(values, tail), high: quantile(values, 1 - tail) }];
    }),
  ) as Record<K, Interval | null>;
  return { intervals, method };
}

/** The q-quantile of sorted values, interpolating linearly between order statistics (NumPy's default). */
export function quantile(sorted: readonly number[], q: number): number {
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.ceil(h);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

/** Item indices grouped by cluster id, in order of first appearance. */
function clusterMembers(clusters: Int32Array): number[][] {
  const byId = new Map<number, number[]>();
  clusters.forEach((id, i) => {
    let group = byId.get(id);
    if (!group) byId.set(id, (group = []));
    group.push(i);
  });
  return [...byId.values()];
}
