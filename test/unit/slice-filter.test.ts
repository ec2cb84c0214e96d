import { describe, expect, it } from 'vitest';
import { matchesSliceFilter, validateSliceFilter, type SliceFilter } from '../../src/dataset/slice-filter';
import { InvalidSliceFilterError, UnknownColumnError, UnknownSplitError } from '../../src/errors';

const row = (split: string, data: Record<string, unknown>) => ({ split, data });

describe('slice filters', () => {
  const columns = ['lang', 'length', 'response'];
  const splits = ['dev', 'test'];

  it('evaluates each operator', () => {
    const r = row('dev', { lang: 'en', length: '12', response: 'Hello World' });
    expect(matchesSliceFilter({ column: 'lang', op: 'eq', value: 'en' }, r)).toBe(true);
    expect(matchesSliceFilter({ column: 'lang', op: 'ne', value: 'en' }, r)).toBe(false);
    expect(matchesSliceFilter({ column: 'lang', op: 'in', values: ['fr', 'en'] }, r)).toBe(true);
    expect(matchesSliceFilter({ column: 'response', op: 'contains', value: 'world' }, r)).toBe(true);
    expect(matchesSliceFilter({ column: 'response', op: 'contains', value: 'world', caseSensitive: true }, r)).toBe(
      false,
    );
    expect(matchesSliceFilter({ column: 'length', op: 'gt', value: 10 }, r)).toBe(true);
    expect(matchesSliceFilter({ column: 'length', op: 'lte', value: 11 }, r)).toBe(false);
    expect(matchesSliceFilter({ column: 'response', op: 'gt', value: 0 }, r)).toBe(false);
    expect(matchesSliceFilter({ split: ['test', 'dev'] }, r)).toBe(true);
  });

  it('composes with and / or / not', () => {
    const f: SliceFilter = {
      and: [
        { split: 'dev' },
        { or: [{ column: 'lang', op: 'eq', value: 'fr' }, { not: { column: 'length', op: 'lt', value: 5 } }] },
      ],
    };
    expect(matchesSliceFilter(validateSliceFilter(f, columns, splits), row('dev', { lang: 'en', length: 9 }))).toBe(
      true,
    );
    expect(matchesSliceFilter(f, row('dev', { lang: 'en', length: 3 }))).toBe(false);
    expect(matchesSliceFilter(f, row('test', { lang: 'fr', length: 3 }))).toBe(false);
  });

  it('rejects unknown columns, unknown splits and malformed filters, naming them', () => {
    expect(() => validateSliceFilter({ column: 'nope', op: 'eq', value: 1 }, columns, splits)).toThrow(
      UnknownColumnError,
    );
    expect(() => validateSliceFilter({ column: 'nope', op: 'eq', value: 1 }, columns, splits)).toThrow(
      /"nope".*"lang", "length", "response"/,
    );
    expect(() => validateSliceFilter({ split: 'train' }, columns, splits)).toThrow(UnknownSplitError);
    expect(() => validateSliceFilter({ split: 'train' }, columns, splits)).toThrow(/"train".*"dev", "test"/);
    expect(() => validateSliceFilter({ column: 'lang', op: 'like', value: 'x' }, columns, splits)).toThrow(
      InvalidSliceFilterError,
    );
    expect(() => validateSliceFilter({ and: [] }, columns, splits)).toThrow(InvalidSliceFilterError);
  });

  it("reads only the row's own columns: a row without `constructor` has no value there (no TypeError)", () => {
    const without = row('dev', { lang: 'en' });
    const withIt = row('dev', JSON.parse('{"constructor": "Builder", "__proto__": "p"}') as Record<string, unknown>);
    const contains: SliceFilter = { column: 'constructor', op: 'contains', value: 'build' };
    expect(matchesSliceFilter(contains, without)).toBe(false);
    expect(matchesSliceFilter(contains, withIt)).toBe(true);
    expect(matchesSliceFilter({ column: 'toString', op: 'gt', value: 0 }, without)).toBe(false);
    expect(matchesSliceFilter({ column: 'constructor', op: 'eq', value: '' }, without)).toBe(true);
    expect(matchesSliceFilter({ column: '__proto__', op: 'eq', value: 'p' }, withIt)).toBe(true);
  });
});
