/** Errors of exports: bad options and destinations (thrown before anything is written), and a failed export. */
import { JudgeflowError, ValidationError, show } from '../errors';

export class InvalidCsvOptionError extends ValidationError {
  constructor(
    readonly option: 'sep' | 'quotechar' | 'escapechar' | 'formulaGuard',
    readonly value: unknown,
    expected: string,
  ) {
    super(`CsvExportConfig ${option} ${show(value)} is invalid: ${expected}`);
  }
}

export class UnsupportedDestinationError extends ValidationError {
  constructor(
    readonly filepath: string,
    readonly scheme: string,
  ) {
    super(
      `cannot export to ${JSON.stringify(filepath)}: scheme "${scheme}" is not supported; use a local path, file://, s3:// or gs://`,
    );
  }
}

export class InvalidDestinationError extends ValidationError {
  constructor(
    readonly filepath: string,
    reason: string,
  ) {
    super(`cannot export to ${JSON.stringify(filepath)}: ${reason}`);
  }
}

export class InvalidExportConfigError extends ValidationError {
  constructor(readonly value: unknown) {
    super(`config must be a JsonExportConfig or a CsvExportConfig, got ${show(value)}`);
  }
}

export class InvalidExportOptionError extends ValidationError {
  constructor(
    readonly option: string,
    readonly value: unknown,
    expected: string,
  ) {
    super(`export option ${option} ${show(value)} is invalid: expected ${expected}`);
  }
}

/** The export ran and failed (the message says why); nothing was written at the destination. */
export class ExportFailedError extends JudgeflowError {
  constructor(
    readonly exportUid: number,
    readonly reason: string,
  ) {
    super(`export ${exportUid} failed: ${reason}`);
  }
}
