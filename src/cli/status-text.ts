/** An execution's status as the command line prints it: `completed with 3 errors` when rows errored (see shared/execution-outcome.ts). */
import type { ExecutionResults } from '../services/client/evaluator-executions';
import { executionOutcome } from '../shared/execution-outcome';

export interface RowCounts {
  /** Rows finished, scored or errored. */
  done: number;
  errors: number;
}

export const statusText = (status: string, rows: RowCounts): string =>
  executionOutcome(status, rows.errors, rows.done).text;

export function rowCountsOf(results: ExecutionResults): RowCounts {
  const rows = Object.values(results);
  return { done: rows.length, errors: rows.filter((r) => r.error !== undefined).length };
}
