/** The CSV cases of the export: values every reader must read back exactly, and the dialects to try them in. */

/** Every case of the export issue: separators, quotes, the escape character anywhere, line breaks, unicode. */
export function valuesFor(o: { sep: string; quotechar: string; escapechar: string }): string[] {
  const { sep, quotechar: q, escapechar: e } = o;
  return [
    'plain',
    `a${sep}b`,
    sep,
    `say ${q}hi${q}`,
    q,
    `${q}${q}`,
    `"double" and 'single'`,
    e,
    `${e}${e}`,
    `${e}start`,
    `end${e}`,
    `mid${e}dle`,
    `${e}${q}`,
    `${e}${sep}`,
    'C:\\data\\x.txt',
    '\\n as text, \\t too',
    'lone\rcr',
    'lf\nline',
    'crlf\r\nline',
    '\r',
    '\n',
    'tab\there',
    '  leading and trailing  ',
    ' ',
    '日本語 🚀 emoji 👩‍👩‍👧 and RTL שלום عربى',
    `${q}${e}${sep}\r\n mixed ${e}`,
    '',
  ];
}

/** The documented default, other one-byte dialects, and one of multi-byte characters (written row by row). */
export const csvDialects = [
  { sep: ',', quotechar: '"', escapechar: '\\' },
  { sep: ';', quotechar: "'", escapechar: '/' },
  { sep: '\t', quotechar: '"', escapechar: '\\' },
  { sep: '|', quotechar: '`', escapechar: '~' },
  { sep: '；', quotechar: '«', escapechar: '¬' },
];
