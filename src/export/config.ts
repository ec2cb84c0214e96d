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
  /**
   * Escape character for the quote character inside quoted fields (default `\`). `null`: none, the RFC 4180 dialect
   * (Excel, R, Python's default `csv` dialect) — a quote character inside a field is doubled.
   */
  escapechar?: string | null;
  /**
   * Prefix text cells and header cells that start with `=`, `+`, `-`, `@`, a tab or a carriage return with `'`, so
   * a spreadsheet shows them as text instead of running them as formulas (OWASP "CSV injection"); plain numbers
   * such as `-1` are left as they are. It changes the cell text: programs that read the file get the `'` too.
   * Default false.
   */
  formulaGuard?: boolean;
}

export class CsvExportConfig {
  readonly format = 'csv' as const;
  readonly sep: string;
  readonly quotechar: string;
  /** null: quote characters are doubled (RFC 4180). */
  readonly escapechar: string | null;
  readonly formulaGuard: boolean;

  constructor({ sep = ',', quotechar = '"', escapechar = '\\', formulaGuard = false }: CsvExportOptions = {}) {
    requireCharacter('sep', sep);
    requireCharacter('quotechar', quotechar);
    if (escapechar !== null) requireCharacter('escapechar', escapechar, ', or null for none (RFC 4180)');
    if (typeof formulaGuard !== 'boolean')
      throw new InvalidCsvOptionError('formulaGuard', formulaGuard, 'expected true or false');
    if (sep === quotechar)
      throw new InvalidCsvOptionError('quotechar', quotechar, `must differ from sep ${JSON.stringify(sep)}`);
    if (sep === escapechar)
      throw new InvalidCsvOptionError('escapechar', escapechar, `must differ from sep ${JSON.stringify(sep)}`);
    if (quotechar === escapechar) {
      throw new InvalidCsvOptionError(
        'escapechar',
        escapechar,
        `must differ from quotechar ${JSON.stringify(quotechar)} (for quote doubling, RFC 4180, use null)`,
      );
    }
    this.sep = sep;
    this.quotechar = quotechar;
    this.escapechar = escapechar;
    this.formulaGuard = formulaGuard;
  }
}

function requireCharacter(name: 'sep' | 'quotechar' | 'escapechar', value: unknown, orElse = ''): void {
  if (typeof value !== 'string' || !/^.$/su.test(value)) {
    throw new InvalidCsvOptionError(name, value, `expected exactly one character${orElse}`);
  }
  if (value === '\n' || value === '\r') throw new InvalidCsvOptionError(name, value, 'a line break cannot be used');
}
