/** Which splits a benchmark execution runs on: one rule for starting it and for estimating it. */
import { UnknownSplitError } from '../../errors';

/** The split held out by default, as in the reference. */
export const HELD_OUT_SPLIT = 'test';

/**
 * The given splits, each checked against the dataset's; by default every split but HELD_OUT_SPLIT (all of them
 * when it is the only one). An empty list is refused: it would run nothing.
 */
export function resolveBenchmarkSplits(available: string[], given: string[] | undefined): string[] {
  const runnable = available.filter((s) => s !== HELD_OUT_SPLIT);
  const splits = given ?? (runnable.length ? runnable : available);
  for (const split of splits) if (!available.includes(split)) throw new UnknownSplitError(split, available);
  if (splits.length === 0) throw new UnknownSplitError('(none given)', available);
  return [...new Set(splits)];
}
