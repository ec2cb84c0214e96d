/** Errors of export options and destinations, thrown before anything is written. */
import { ValidationError } from '../errors';

export class InvalidCsvOptionError extends ValidationError {
  constructor(
    readonly option: 'sep' | 'quotechar' | 'escapechar',
    readonly value: unknown,
    expected: string,
  ) {
    super(`CsvExportConfig ${option} ${JSON.stringify(value) ?? String(value)} is invalid: ${expected}`);
  }
}

export class UnsupportedDestinationError extends ValidationError {
  constructor(
    readonly filepath: string,
    readonly scheme: string,
  ) {
    super(`cannot export to ${JSON.stringify(filepath)}: scheme "${scheme}" is not supported; use a local path, file://, s3:// or gs://`);
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
