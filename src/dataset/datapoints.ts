/**
 * Rows as read (from a file or from objects) into datapoints: the `x_uid` and `split` columns judgeflow reads
 * itself, and every other column as user data. Each rule broken is reported through `fail` with the row's line,
 * so a file names its line and an array its index.
 */
import { DuplicateError, show, textProblem } from '../errors';
import { cellProblem, MAX_SPLIT_LENGTH, MAX_X_UID_LENGTH } from './limits';
import type { ReadDataset } from './readers';

/** Columns judgeflow reads itself; every other column is a user column. */
export const X_UID_COLUMN = 'x_uid';
export const SPLIT_COLUMN = 'split';

export interface Datapoint {
  xUid: string;
  split: string;
  /** User columns of the row (a null-prototype object, so a `__proto__` column is data like any other). */
  data: Record<string, unknown>;
}

/** Reports a broken rule of the row at `line` (1-based file line, or array index); never returns. */
export type RowFailure = (line: number, reason: string) => never;

export interface DatapointRules {
  /** Split of rows without a `split` value. */
  split?: string;
  /** Where a row is, for the error about a duplicate x_uid: `file: line 3`, `rows[2]`. */
  where: (line: number) => string;
  fail: RowFailure;
}

/** The user columns of a dataset: every column but x_uid and split, in their order. */
export const userColumnsOf = (read: ReadDataset): string[] =>
  read.columns.filter((c) => c !== X_UID_COLUMN && c !== SPLIT_COLUMN);

export function toDatapoints(read: ReadDataset, userColumns: string[], rules: DatapointRules): Datapoint[] {
  const first = new Map<string, number>();
  return read.rows.map(({ line, values }, position) => {
    const fail: (reason: string) => never = (reason) => rules.fail(line, reason);
    const xUid = keyText(values, X_UID_COLUMN, MAX_X_UID_LENGTH, fail) ?? `row-${position}`;
    const split = keyText(values, SPLIT_COLUMN, MAX_SPLIT_LENGTH, fail) ?? rules.split;
    if (!split) fail(`row has no split: give it a "${SPLIT_COLUMN}" value or pass the split option`);
    const earlier = first.get(xUid);
    if (earlier !== undefined)
      throw new DuplicateError('x_uid', xUid, `${rules.where(line)} (first at ${rules.where(earlier)})`);
    first.set(xUid, line);
    const data = Object.create(null) as Record<string, unknown>;
    for (const c of userColumns) {
      if (!Object.hasOwn(values, c) || values[c] === undefined) continue;
      const problem = cellProblem(values[c]);
      if (problem) fail(`column ${show(c)} ${problem}`);
      data[c] = values[c];
    }
    return { xUid, split, data };
  });
}

/**
 * An x_uid or split cell as text, or undefined when missing or empty. Numbers become text (x_uid 7 → "7");
 * anything else (true, an object) is refused rather than silently replaced by a generated value.
 */
function keyText(
  values: Record<string, unknown>,
  column: string,
  maxLength: number,
  fail: (reason: string) => never,
): string | undefined {
  const value = Object.hasOwn(values, column) ? values[column] : undefined;
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'number' && !Number.isFinite(value)) fail(`${column} must be a finite number, got ${value}`);
  if (typeof value !== 'string' && typeof value !== 'number')
    fail(`${column} must be a string or a number, got ${show(value)}`);
  const text = typeof value === 'string' ? value.trim() : String(value);
  if (text.length > maxLength)
    fail(`${column} must be at most ${maxLength.toLocaleString('en')} characters, got ${show(text)}`);
  const problem = textProblem(text);
  if (problem) fail(`${column} ${problem}`);
  return text || undefined;
}
