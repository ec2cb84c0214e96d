/** Errors of `execute` and friends: thrown before anything is started or written. */
import { ValidationError } from '../errors';

export class UnknownSplitError extends ValidationError {
  constructor(
    readonly split: string,
    readonly availableSplits: string[],
  ) {
    super(
      `split ${JSON.stringify(split)} has no rows in this benchmark's dataset; ` +
        `available splits: ${availableSplits.length ? availableSplits.map((s) => JSON.stringify(s)).join(', ') : '(none)'}`,
    );
  }
}

export class InvalidNumRowsError extends ValidationError {
  constructor(readonly numRows: unknown) {
    super(`numRows must be a positive integer, got ${JSON.stringify(numRows) ?? String(numRows)}`);
  }
}

export class InvalidConcurrencyError extends ValidationError {
  constructor(
    readonly concurrency: unknown,
    readonly max: number,
  ) {
    super(
      `concurrency must be an integer from 1 to ${max} (JUDGEFLOW_MAX_CONCURRENCY), got ${JSON.stringify(concurrency) ?? String(concurrency)}`,
    );
  }
}

export class UnknownVersionError extends ValidationError {
  constructor(
    readonly versionName: string,
    readonly availableVersions: string[],
  ) {
    super(`prompt version ${JSON.stringify(versionName)} does not exist; versions: ${availableVersions.map((v) => JSON.stringify(v)).join(', ')}`);
  }
}

export class ModelNotConfiguredError extends ValidationError {
  constructor(
    readonly modelName: string,
    detail: string,
  ) {
    super(`model ${JSON.stringify(modelName)} is not configured: ${detail}`);
  }
}

export class NoEvaluatorsError extends ValidationError {
  constructor(readonly benchmarkUid: number) {
    super(`benchmark ${benchmarkUid} has no prompt evaluators to execute; create one with PromptEvaluator.create`);
  }
}
