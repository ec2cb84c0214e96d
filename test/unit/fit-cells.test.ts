/** Table cells cut to fit the terminal: narrow columns keep their width, wide ones share the rest. */
import { describe, expect, it } from 'vitest';
import { fitCells } from '../../src/cli/fit-cells';

const head = ['x_uid', 'score', 'rationale'];
const rows = [
  ['row-1', 1, 'a'.repeat(200)],
  ['x'.repeat(5000), null, 'short'],
];
const lineWidth = (cells: string[]) => cells.reduce((n, c) => n + c.length, 0) + 2 * (cells.length - 1);

describe('fitCells', () => {
  it('without a width (not a terminal) keeps every cell whole, whitespace runs as one space', () => {
    const fitted = fitCells(head, [['a', 1, 'two\nlines  here']], undefined);
    expect(fitted.rows).toEqual([['a', '1', 'two lines here']]);
  });

  it('fits every row in the width, cutting the wide columns with … and leaving the narrow ones', () => {
    for (const width of [40, 80, 120, 200]) {
      const fitted = fitCells(head, rows, width);
      for (const r of [fitted.head, ...fitted.rows]) expect(lineWidth(r), `${width}`).toBeLessThan(width);
      expect(fitted.rows[0]![1]).toBe('1');
      expect(fitted.rows[1]![1]).toBe('-');
      expect(fitted.rows[0]![2]).toMatch(/^a+…$/);
    }
    expect(fitCells(head, rows, 80).rows[1]).toEqual([`${'x'.repeat(34)}…`, '-', 'short']);
  });

  it('a table that fits is left as it is', () => {
    expect(fitCells(head, [['a', 1, 'b']], 80)).toEqual({ head, rows: [['a', '1', 'b']] });
  });
});
