/** The CSV cases of the export: values every reader must read back exactly, and the dialects to try them in. */
import type { CsvReadOptions } from './python-csv';

/**
 * Every case of the export issue: separators, quotes, the escape character anywhere, line breaks, unicode, and
 * cells a spreadsheet would run as formulas (written as they are).
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
    '=1+1',
    '@SUM(A1:A2)',
    '-2+3',
    '\t=1+1',
    '\r=1+1',
    '-1',
    '',
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
