/**
 * What a dataset may hold, checked at import so a bad value is refused with its line and column instead of
 * reaching PostgreSQL or V8 as a raw error (docs/datasets.md lists these limits).
 */
import { show, textProblem } from '../errors';

/**
 * The longest `x_uid`, in characters. Datapoint ids are keys of PostgreSQL indexes, whose entries hold at most
 * 2,704 bytes: 512 characters of up to 4 UTF-8 bytes each always fit (a 5,000-character id did not).
 */
export const MAX_X_UID_LENGTH = 512;
/** The longest split name, in characters (a name, indexed like x_uid). */
export const MAX_SPLIT_LENGTH = 256;
/**
 * Columns of one dataset at most, x_uid and split included: a wider file is refused at its header (CSV) or at the
 * row that adds one too many (JSONL, objects). A million-column CSV took 17 s and 713 MB to import.
 */
export const MAX_COLUMNS = 10_000;
/**
 * Arrays and objects nested in one cell at most. V8's JSON.stringify recurses and fails with a RangeError some
 * thousands of levels down; no dataset needs more than a few.
 */
export const MAX_NESTING_DEPTH = 100;

/** Why a column seen for the first time, after `columnsBefore` others, cannot be added; or undefined. */
export function newColumnProblem(name: string, columnsBefore: number): string | undefined {
  if (columnsBefore >= MAX_COLUMNS)
    return `more than ${MAX_COLUMNS.toLocaleString('en')} columns: a dataset has at most ${MAX_COLUMNS.toLocaleString('en')}`;
  const problem = textProblem(name);
  return problem ? `column name ${show(name)} ${problem}` : undefined;
}

/**
 * Why a cell cannot be stored, or undefined: text PostgreSQL cannot store (in a value or an object key), nesting
 * deeper than MAX_NESTING_DEPTH (a cyclic object is refused so too), or a value JSON cannot hold (bigint, function,
 * symbol). Where inside the cell is named as a path (`.a[2]`).
 */
export function cellProblem(value: unknown): string | undefined {
  const found = walk(value, 0);
  if (!found) return undefined;
  // The path to a value 100 levels down says nothing the reason does not.
  return found.path && !found.tooDeep ? `at ${found.path} ${found.reason}` : found.reason;
}

interface Found {
  path: string;
  reason: string;
  tooDeep?: boolean;
}

function walk(value: unknown, depth: number): Found | undefined {
  if (typeof value === 'string') {
    const reason = textProblem(value);
    return reason ? { path: '', reason } : undefined;
  }
  if (value === null || value === undefined || typeof value === 'number' || typeof value === 'boolean') return;
  if (typeof value !== 'object') return { path: '', reason: `is a ${typeof value}, which JSON cannot hold` };
  if (depth === MAX_NESTING_DEPTH)
    return { path: '', reason: `nests arrays or objects deeper than ${MAX_NESTING_DEPTH} levels`, tooDeep: true };
  const isArray = Array.isArray(value);
  for (const [key, inner] of Object.entries(value)) {
    const segment = isArray ? `[${key}]` : /^[A-Za-z_$][\w$]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
    const keyProblem = isArray ? undefined : textProblem(key);
    if (keyProblem) return { path: '', reason: `has a key ${show(key)} that ${keyProblem}` };
    const found = walk(inner, depth + 1);
    if (found) return { ...found, path: segment + found.path };
  }
  return undefined;
}
