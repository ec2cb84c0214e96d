/**
 * How an execution's status reads to a person (the command line and the report). `completed` is the reference's
 * status for an execution that ran to its end however many of its rows errored; shown bare, an execution whose every
 * row was a row error looked like a success. So a completed execution with row errors reads `completed with N errors`
 * (an amber badge in the report) — any N > 0, since even one unscored row changes what its agreement numbers cover —
 * and `(every row)` is added when no row got a score. The status itself (SDK, `--json`, exports) stays `completed`.
 */

export interface ExecutionOutcome {
  /** `completed`, `completed with 3 errors`, `completed with 12 errors (every row)`, `failed`, … */
  text: string;
  /** The status, or `completed-with-errors` (a CSS class of the report's badge). */
  tone: string;
}

/** `rows`: the rows the execution finished (scored or errored), when known. */
export function executionOutcome(status: string, rowErrors: number, rows?: number): ExecutionOutcome {
  if (status !== 'completed' || rowErrors <= 0) return { text: status, tone: status };
  const errors = `${rowErrors} ${rowErrors === 1 ? 'error' : 'errors'}`;
  const everyRow = rows !== undefined && rowErrors >= rows ? ' (every row)' : '';
  return { text: `completed with ${errors}${everyRow}`, tone: 'completed-with-errors' };
}
