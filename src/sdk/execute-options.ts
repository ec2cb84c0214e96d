/** Checks of the options shared by `PromptEvaluator.execute` and `Benchmark.execute`. */
import type { Judgeflow } from './client';
import { InvalidConcurrencyError, InvalidNumRowsError } from '../errors';

export function checkNumRows(numRows: unknown): asserts numRows is number | undefined {
  if (numRows !== undefined && (typeof numRows !== 'number' || !Number.isInteger(numRows) || numRows <= 0)) {
    throw new InvalidNumRowsError(numRows);
  }
}

/** The concurrency to use: the given one (1 to JUDGEFLOW_MAX_CONCURRENCY) or JUDGEFLOW_CONCURRENCY. */
export function resolveConcurrency(jf: Judgeflow, concurrency: unknown): number {
  const value = concurrency ?? jf.config.concurrency.default;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > jf.config.concurrency.max) {
    throw new InvalidConcurrencyError(value, jf.config.concurrency.max);
  }
  return value;
}
