/**
 * The CSV formula guard (OWASP "CSV injection"): a spreadsheet runs a cell that starts with `=`, `+`, `-`, `@`, a
 * tab or a carriage return as a formula, so a guarded export prefixes such a text cell with a single quote, which
 * Excel, LibreOffice and Google Sheets read as "this cell is text". A cell that is a plain decimal number (`-1`,
 * `+2.5`, `-1e3`) is no formula and stays as it is. Side-effect free: src/export/ applies it in JavaScript and
 * src/db/ in SQL, with this one pattern.
 */

/**
 * The empty match at the start of a text to guard. One source for both engines: JavaScript's RegExp and
 * PostgreSQL's advanced regular expressions read this syntax alike (lookaheads, `[0-9]` rather than `\d`, which is
 * locale-dependent in PostgreSQL; `$` is the end of the text in both without flags).
 */
export const FORMULA_GUARD_PATTERN =
  '^(?=[-=+@\\t\\r])(?![-+]?(?:[0-9]+(?:\\.[0-9]*)?|\\.[0-9]+)(?:[eE][-+]?[0-9]+)?$)';

/** What a guarded cell starts with. */
export const FORMULA_GUARD_PREFIX = "'";

const pattern = new RegExp(FORMULA_GUARD_PATTERN);

/** `text` as a guarded export writes it. */
export function guardFormula(text: string): string {
  return text.replace(pattern, FORMULA_GUARD_PREFIX);
}
