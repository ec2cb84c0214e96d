/** Export configurations (reference: JsonExportConfig, CsvExportConfig). Validated on construction. */
import { InvalidCsvOptionError } from './errors';

/** JSON export (the default); no options. */
export class JsonExportConfig {
  readonly format = 'json' as const;
}

export interface CsvExportOptions {
  /** Column separator (default `,`). */
  sep?: string;
  /** Quote character (default `"`). */
  quotechar?: string;
  /** Escape character for the quote character inside quoted fields (default `\`). */
  escapechar?: string;
}

export class CsvExportConfig {
  readonly format = 'csv' as const;
  readonly sep: string;
  readonly quotechar: string;
  readonly escapechar: string;

  constructor({ sep = ',', quotechar = '"', escapechar = '\\' }: CsvExportOptions = {}) {
    const options = { sep, quotechar, escapechar } as const;
    for (const [name, value] of Object.entries(options) as [keyof typeof options, unknown][]) {
      if (typeof value !== 'string' || !/^.$/su.test(value)) {
        throw new InvalidCsvOptionError(name, value, 'expected exactly one character');
      }
      if (value === '\n' || value === '\r') throw new InvalidCsvOptionError(name, value, 'a line break cannot be used');
    }
    if (sep === quotechar)
      throw new InvalidCsvOptionError('quotechar', quotechar, `must differ from sep ${JSON.stringify(sep)}`);
    if (sep === escapechar)
      throw new InvalidCsvOptionError('escapechar', escapechar, `must differ from sep ${JSON.stringify(sep)}`);
    if (quotechar === escapechar) {
      throw new InvalidCsvOptionError(
        'escapechar',
        escapechar,
        `must differ from quotechar ${JSON.stringify(quotechar)}`,
      );
    }
    this.sep = sep;
    this.quotechar = quotechar;
    this.escapechar = escapechar;
  }
}
