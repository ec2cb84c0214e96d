/**
 * Table cells cut to fit a width: a table wider than the terminal wraps every row into two or three lines, and one
 * long cell (a rationale, a 5,000-character x_uid) decides the width of all. Columns narrower than their share
 * keep their width; the wider ones share what is left equally (at least MIN_COLUMN each), cut with "…".
 */

/** `s` cut to at most `n` characters, ending with … when cut; its whitespace kept (table cells show line breaks). */
export const cut = (s: string, n: number): string => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/** Columns are never cut below this, even when the table cannot fit. */
const MIN_COLUMN = 8;

/** `head` and `rows` as text, each column at most as wide as fits `width` with `gap` columns between them. */
export function fitCells(
  head: string[],
  rows: (string | number | null | undefined)[][],
  width: number | undefined,
  gap = 2,
): { head: string[]; rows: string[][] } {
  const text = rows.map((r) => r.map((c) => (c === null || c === undefined ? '-' : String(c).replace(/\s+/g, ' '))));
  if (width === undefined) return { head, rows: text };
  const natural = head.map((h, i) => Math.max(h.length, ...text.map((r) => r[i]?.length ?? 0)));
  const room = width - 1 - gap * (head.length - 1);
  const cap = widestCap(natural, room);
  const fit = (s: string) => cut(s, cap);
  return { head: head.map(fit), rows: text.map((r) => r.map(fit)) };
}

/** The largest column width `cap` with the columns, each at most `cap`, fitting `room` (MIN_COLUMN at least). */
function widestCap(natural: number[], room: number): number {
  const total = (cap: number) => natural.reduce((n, w) => n + Math.min(w, cap), 0);
  let high = Math.max(...natural, MIN_COLUMN);
  let low = MIN_COLUMN;
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (total(mid) <= room) low = mid;
    else high = mid - 1;
  }
  return low;
}
