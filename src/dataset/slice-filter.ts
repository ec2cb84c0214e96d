/**
 * The slice filter language, stored as JSON with the slice:
 *   { column, op: 'eq' | 'ne', value }            equals / differs (compared as text)
 *   { column, op: 'in', values: [...] }            one of
 *   { column, op: 'contains', value, caseSensitive? }  substring (case-insensitive by default)
 *   { column, op: 'gt' | 'gte' | 'lt' | 'lte', value: number }  numeric comparison (non-numbers never match)
 *   { split: 'dev' } or { split: ['dev', 'valid'] }
 *   { and: [...] }, { or: [...] }, { not: filter }
 */
import { z } from 'zod';
import { InvalidSliceFilterError, UnknownColumnError, UnknownSplitError } from '../errors';

const scalar = z.union([z.string(), z.number(), z.boolean()]);
export type SliceFilter =
  | { column: string; op: 'eq' | 'ne'; value: string | number | boolean }
  | { column: string; op: 'in'; values: (string | number | boolean)[] }
  | { column: string; op: 'contains'; value: string; caseSensitive?: boolean }
  | { column: string; op: 'gt' | 'gte' | 'lt' | 'lte'; value: number }
  | { split: string | string[] }
  | { and: SliceFilter[] }
  | { or: SliceFilter[] }
  | { not: SliceFilter };

const filterSchema: z.ZodType<SliceFilter> = z.lazy(() =>
  z.union([
    z.strictObject({ column: z.string().min(1), op: z.enum(['eq', 'ne']), value: scalar }),
    z.strictObject({ column: z.string().min(1), op: z.literal('in'), values: z.array(scalar).min(1) }),
    z.strictObject({
      column: z.string().min(1),
      op: z.literal('contains'),
      value: z.string(),
      caseSensitive: z.boolean().optional(),
    }),
    z.strictObject({ column: z.string().min(1), op: z.enum(['gt', 'gte', 'lt', 'lte']), value: z.number() }),
    z.strictObject({ split: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]) }),
    z.strictObject({ and: z.array(filterSchema).min(1) }),
    z.strictObject({ or: z.array(filterSchema).min(1) }),
    z.strictObject({ not: filterSchema }),
  ]),
);

/** Checks the filter's shape and that its columns and splits exist. */
export function validateSliceFilter(filter: unknown, columns: string[], splits: string[]): SliceFilter {
  const parsed = filterSchema.safeParse(filter);
  if (!parsed.success) {
    throw new InvalidSliceFilterError(
      `slice filter ${JSON.stringify(filter)} is not valid: expected { column, op, value } with op eq/ne/in/contains/gt/gte/lt/lte, ` +
        `{ split }, or { and | or: [...] } / { not: ... }`,
    );
  }
  const check = (f: SliceFilter): void => {
    if ('and' in f) {
      f.and.forEach(check);
      return;
    }
    if ('or' in f) {
      f.or.forEach(check);
      return;
    }
    if ('not' in f) {
      check(f.not);
      return;
    }
    if ('split' in f) {
      for (const s of [f.split].flat()) if (!splits.includes(s)) throw new UnknownSplitError(s, splits);
      return;
    }
    if (!columns.includes(f.column)) throw new UnknownColumnError(f.column, columns, 'slice filter');
  };
  check(parsed.data);
  return parsed.data;
}

export function matchesSliceFilter(f: SliceFilter, row: { split: string; data: Record<string, unknown> }): boolean {
  if ('and' in f) return f.and.every((g) => matchesSliceFilter(g, row));
  if ('or' in f) return f.or.some((g) => matchesSliceFilter(g, row));
  if ('not' in f) return !matchesSliceFilter(f.not, row);
  if ('split' in f) return [f.split].flat().includes(row.split);
  // Own properties only: a row without a `constructor` column has no value there, not Object's constructor.
  const cell = Object.hasOwn(row.data, f.column) ? row.data[f.column] : undefined;
  const text = cell === undefined || cell === null ? '' : typeof cell === 'string' ? cell : JSON.stringify(cell);
  switch (f.op) {
    case 'eq':
      return text === String(f.value);
    case 'ne':
      return text !== String(f.value);
    case 'in':
      return f.values.some((v) => text === String(v));
    case 'contains':
      return f.caseSensitive ? text.includes(f.value) : text.toLowerCase().includes(f.value.toLowerCase());
    default: {
      const n = typeof cell === 'number' ? cell : text.trim() === '' ? NaN : Number(text);
      if (Number.isNaN(n)) return false;
      return f.op === 'gt' ? n > f.value : f.op === 'gte' ? n >= f.value : f.op === 'lt' ? n < f.value : n <= f.value;
    }
  }
}
