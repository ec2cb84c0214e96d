/**
 * The order a row's labels are listed to the judge (src/shared/sampling.ts, LABEL_ORDERS). A shuffled order is a
 * Fisher–Yates permutation drawn from a generator seeded by the row's x_uid: the same row sees the same order on every
 * run (so the request cache still matches), different rows see different orders.
 */
import { createHash } from 'node:crypto';
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import type { LabelOrder } from '../shared/sampling';

export function orderLabels<T>(labels: readonly T[], order: LabelOrder, xUid: string): T[] {
  if (order === 'fixed') return [...labels];
  if (order === 'reversed') return [...labels].reverse();
  const rng = xoroshiro128plus(createHash('sha256').update(xUid).digest().readInt32BE(0));
  const shuffled = [...labels];
  for (let i = shuffled.length - 1; i > 0; i--) {
    const j = uniformInt(rng, 0, i);
    [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
  }
  return shuffled;
}
