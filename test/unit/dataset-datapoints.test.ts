/**
 * Rows into datapoints (src/dataset/datapoints.ts) and what a cell may hold (src/dataset/limits.ts): each broken rule
 * is reported with the row's line and the column, and a `__proto__` column stays data. The same rules through the
 * SDK and a real PostgreSQL: test/integration/hostile-inputs.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { toDatapoints, userColumnsOf } from '../../src/dataset/datapoints';
import { cellProblem, MAX_NESTING_DEPTH, MAX_X_UID_LENGTH } from '../../src/dataset/limits';
import type { ReadDataset } from '../../src/dataset/readers';
import { DuplicateError } from '../../src/errors';

class RowRuleError extends Error {}
const rules = {
  split: 'test',
  where: (line: number) => `line ${line}`,
  fail: (line: number, reason: string): never => {
    throw new RowRuleError(`line ${line}: ${reason}`);
  },
};
/** Rows from line 2 on, as a file's. */
function read(...rows: Record<string, unknown>[]): ReadDataset {
  const columns = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  return { columns, rows: rows.map((values, i) => ({ line: i + 2, values })) };
}
const points = (r: ReadDataset) => toDatapoints(r, userColumnsOf(r), rules);
const nested = (levels: number): unknown => (levels === 0 ? 'leaf' : [nested(levels - 1)]);

describe('x_uid and split', () => {
  it('take strings and numbers; missing or empty ones are generated (x_uid) or the default (split)', () => {
    expect(points(read({ x_uid: ' a ', split: 'dev' }, { x_uid: 7 }, { x_uid: '' }, {}))).toEqual([
      { xUid: 'a', split: 'dev', data: {} },
      { xUid: '7', split: 'test', data: {} },
      { xUid: 'row-2', split: 'test', data: {} },
      { xUid: 'row-3', split: 'test', data: {} },
    ]);
  });

  it.each([
    [{ x_uid: true }, /line 2: x_uid must be a string or a number, got true/],
    [{ x_uid: { id: 1 } }, /line 2: x_uid must be a string or a number, got \{"id":1\}/],
    [{ split: false }, /line 2: split must be a string or a number, got false/],
    [{ x_uid: Number.NaN }, /line 2: x_uid must be a finite number, got NaN/],
    [{ x_uid: 'x'.repeat(MAX_X_UID_LENGTH + 1) }, /line 2: x_uid must be at most 512 characters, got "x+"… \(a 513-/],
    [{ split: 's'.repeat(257) }, /line 2: split must be at most 256 characters/],
    [{ x_uid: 'a\u0000b' }, /line 2: x_uid contains a NUL character \(U\+0000\) at character 2/],
    [{ split: '\udfff' }, /line 2: split contains a lone UTF-16 surrogate \(U\+DFFF\) at character 1/],
  ])('refuse %j, naming the line and the rule', (row, message) => {
    expect(() => points(read(row))).toThrow(RowRuleError);
    expect(() => points(read(row))).toThrow(message);
  });

  it('a 512-character x_uid is the longest accepted; a repeated one names both lines', () => {
    const id = 'é'.repeat(MAX_X_UID_LENGTH);
    expect(points(read({ x_uid: id }))[0]?.xUid).toBe(id);
    expect(() => points(read({ x_uid: 'd' }, { x_uid: 'd' }))).toThrow(DuplicateError);
    expect(() => points(read({ x_uid: 'd' }, { x_uid: 'd' }))).toThrow(/"d".*line 3 \(first at line 2\)/);
  });
});

describe('user columns', () => {
  it('keep __proto__ and constructor as data, in a null-prototype object, and skip missing cells', () => {
    const row = JSON.parse('{"x_uid":"a","__proto__":{"k":1},"constructor":"c"}') as Record<string, unknown>;
    const [point] = points(read(row, { x_uid: 'b' }));
    expect(Object.getPrototypeOf(point!.data)).toBeNull();
    expect(JSON.stringify(point!.data)).toBe('{"__proto__":{"k":1},"constructor":"c"}');
    expect(JSON.stringify(points(read(row, { x_uid: 'b' }))[1]!.data)).toBe('{}');
  });

  it.each([
    [{ t: 'a\u0000' }, /line 2: column "t" contains a NUL character \(U\+0000\) at character 2/],
    [{ t: { a: [1, { 'b c': '\ud800x' }] } }, /line 2: column "t" at \.a\[1\]\["b c"\] contains a lone UTF-16/],
    [{ t: { 'k\u0000': 1 } }, /line 2: column "t" has a key "k\\u0000" that contains a NUL character/],
    [{ t: nested(MAX_NESTING_DEPTH + 1) }, /line 2: column "t" nests arrays or objects deeper than 100 levels$/],
    [{ t: 10n }, /line 2: column "t" is a bigint, which JSON cannot hold/],
  ])('refuse a cell PostgreSQL or JSON cannot hold: %#', (row, message) => {
    expect(() => points(read(row))).toThrow(message);
  });

  it(`accept ${MAX_NESTING_DEPTH} levels of nesting, and refuse a cyclic object as too deep (no RangeError)`, () => {
    expect(cellProblem(nested(MAX_NESTING_DEPTH))).toBeUndefined();
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(cellProblem(cyclic)).toMatch(/deeper than 100 levels/);
    expect(cellProblem('emoji 😀 and ü are text')).toBeUndefined();
  });
});
