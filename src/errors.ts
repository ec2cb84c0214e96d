/**
 * Typed errors of judgeflow. Every documented "Raises ValueError" is a ValidationError subclass,
 * thrown before anything is started or written. Messages name the bad value and what was expected.
 */
export class JudgeflowError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Bad input: the caller must change what they pass. */
export class ValidationError extends JudgeflowError {}

/** A uid (or other key) that names nothing. */
export class NotFoundError extends JudgeflowError {
  constructor(
    readonly entity: string,
    readonly key: string | number,
    hint?: string,
  ) {
    super(`${entity} ${JSON.stringify(key)} does not exist${hint ? `; ${hint}` : ''}`);
  }
}

/** Neither userPrompt nor systemPrompt was given. */
export class MissingPromptError extends ValidationError {
  constructor() {
    super('at least one of userPrompt or systemPrompt must be provided (both were empty or missing)');
  }
}

/** No modelName was given. */
export class MissingModelNameError extends ValidationError {
  constructor(readonly value: unknown) {
    super(`modelName must be a non-empty string, got ${show(value)}`);
  }
}

/** A uid that exists but belongs to another kind of evaluator. */
export class WrongEvaluatorTypeError extends ValidationError {
  constructor(
    readonly evaluatorUid: number,
    readonly actualType: string,
    readonly expectedType: string,
  ) {
    super(`evaluator ${evaluatorUid} is a ${actualType} evaluator, not a ${expectedType} evaluator`);
  }
}

/** A name that must be unique in its scope is taken. */
export class DuplicateError extends ValidationError {
  constructor(
    readonly entity: string,
    readonly value: string | number,
    readonly scope?: string,
  ) {
    super(`${entity} ${JSON.stringify(value)} already exists${scope ? ` in ${scope}` : ''}`);
  }
}

/** A file (CSV, JSONL) that cannot be read as a dataset. */
export class MalformedFileError extends ValidationError {
  constructor(
    readonly file: string,
    readonly line: number | undefined,
    readonly reason: string,
  ) {
    super(`${file}${line !== undefined ? `: line ${line}` : ''}: ${reason}`);
  }
}

/** The configuration (environment) is unusable. */
export class ConfigError extends JudgeflowError {}

/** A dependency (PostgreSQL, Temporal, the model endpoint) cannot be reached. */
export class UnavailableError extends JudgeflowError {
  constructor(
    readonly service: string,
    readonly address: string,
    readonly advice: string,
    options?: { cause?: unknown },
  ) {
    super(`${service} is not reachable at ${address}: ${advice}`, options);
  }
}

/** No judgeflow worker polls the task queue: nothing would run the work. */
export class NoWorkerError extends JudgeflowError {
  constructor(
    readonly taskQueue: string,
    readonly address: string,
  ) {
    super(
      `no judgeflow worker is polling task queue "${taskQueue}" on ${address}: start one with \`npx judgeflow dev\` ` +
        '(the dev server, the local judge server and a worker) or `npx judgeflow worker` (same TEMPORAL_ADDRESS, ' +
        'TEMPORAL_NAMESPACE and TEMPORAL_TASK_QUEUE), or pass --wait to wait for one',
    );
  }
}

// --- execute / benchmark execute ---

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
    super(`numRows must be an integer from 1 to ${MAX_UID}, got ${show(numRows)}`);
  }
}

export class InvalidConcurrencyError extends ValidationError {
  constructor(
    readonly concurrency: unknown,
    readonly max: number,
  ) {
    super(`concurrency must be an integer from 1 to ${max} (JUDGEFLOW_MAX_CONCURRENCY), got ${show(concurrency)}`);
  }
}

/** `xUids` that are not a list of x_uids of the split. */
export class InvalidXUidsError extends ValidationError {}

/** A `samples` count that is not an integer from 1 to MAX_SAMPLES. */
export class InvalidSamplesError extends ValidationError {
  constructor(
    readonly samples: unknown,
    readonly max: number,
  ) {
    super(`samples must be an integer from 1 to ${max}, got ${show(samples)}`);
  }
}

/** An `aggregation` that is not one of AGGREGATIONS. */
export class InvalidAggregationError extends ValidationError {
  constructor(
    readonly aggregation: unknown,
    readonly allowed: readonly string[],
  ) {
    super(`aggregation must be one of ${allowed.map((a) => `"${a}"`).join(', ')}, got ${show(aggregation)}`);
  }
}

/** A `scoring`, `fallback` or `labelOrder` that is not one of the allowed values. */
export class InvalidJudgingOptionError extends ValidationError {
  constructor(
    readonly option: 'scoring' | 'fallback' | 'labelOrder',
    readonly value: unknown,
    readonly allowed: readonly string[],
  ) {
    super(`${option} must be one of ${allowed.map((a) => `"${a}"`).join(', ')}, got ${show(value)}`);
  }
}

/** A budget that is not `{ maxCostUsd?, maxTokens? }` with a positive number and a positive integer. */
export class InvalidBudgetError extends ValidationError {
  constructor(
    readonly budget: unknown,
    detail: string,
  ) {
    super(`invalid budget ${show(budget)}: ${detail}; expected { maxCostUsd?: number > 0, maxTokens?: integer > 0 }`);
  }
}

/** A cost budget for a model whose price is not configured: the cost could not be known, so it is refused. */
export class BudgetNeedsPriceError extends ValidationError {
  constructor(readonly modelName: string) {
    super(
      `a maxCostUsd budget needs the price of model ${JSON.stringify(modelName)}: add it to JUDGEFLOW_MODEL_PRICES ` +
        '(USD per million input and output tokens), or budget with maxTokens',
    );
  }
}

/** Live control (pause, resume, setConcurrency, setBudget) of an execution that is no longer running. */
export class ExecutionNotRunningError extends ValidationError {
  constructor(
    readonly executionUid: number,
    readonly status: string,
    action: string,
  ) {
    super(`cannot ${action}: execution ${executionUid} has already finished (${status})`);
  }
}

export class UnknownVersionError extends ValidationError {
  constructor(
    readonly versionName: string,
    readonly availableVersions: string[],
  ) {
    super(
      `prompt version ${JSON.stringify(versionName)} does not exist; versions: ${availableVersions.map((v) => JSON.stringify(v)).join(', ')}`,
    );
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

/** A benchmark execution asked to run an evaluator that is not one of the benchmark's prompt evaluators. */
export class EvaluatorNotInBenchmarkError extends ValidationError {
  constructor(
    readonly evaluatorUid: unknown,
    readonly benchmarkUid: number,
    readonly availableEvaluators: number[],
  ) {
    super(
      `evaluator ${show(evaluatorUid)} is not a prompt evaluator of benchmark ${benchmarkUid}; ` +
        `its prompt evaluators: ${availableEvaluators.join(', ') || '(none)'}`,
    );
  }
}

/** A jury that cannot be formed: fewer than two jurors, a juror not in the benchmark, jurors of different criteria. */
export class InvalidJuryError extends ValidationError {}

// --- definitions ---

/** A column name (template variable, slice filter) that the dataset does not have. */
export class UnknownColumnError extends ValidationError {
  constructor(
    readonly column: string,
    readonly availableColumns: string[],
    context: string,
  ) {
    super(
      `${context}: column ${JSON.stringify(column)} is not in the dataset; available columns: ${availableColumns.map((c) => JSON.stringify(c)).join(', ') || '(none)'}`,
    );
  }
}

/** Criteria labels that cannot work: none, duplicate scores or names, non-integer scores. */
export class InvalidLabelsError extends ValidationError {}

/** Gate thresholds that cannot be checked: none given, out of range, or a baseline without its check. */
export class InvalidGateError extends ValidationError {}

/** A dataset without rows. */
export class EmptyDatasetError extends ValidationError {
  constructor(readonly source: string) {
    super(`${source} has no rows; a dataset needs at least one`);
  }
}

/** Ground truth that names an unknown datapoint or a score/label the criteria does not have. */
export class InvalidGroundTruthError extends ValidationError {}

/** A slice filter that is not of the documented form. */
export class InvalidSliceFilterError extends ValidationError {}

/** Uids are PostgreSQL `integer` identities: 1 to 2,147,483,647. */
export const MAX_UID = 2_147_483_647;
/** Names (datasets, benchmarks, criteria, slices, versions, connector configs, models) are for people. */
export const MAX_NAME_LENGTH = 256;
/** A prompt template far beyond any model's context window is a mistake, not a prompt. */
export const MAX_PROMPT_LENGTH = 200_000;

/** Throws a ValidationError naming `what` unless `value` is a non-empty string of at most `maxLength` characters. */
export function requireNonEmptyString(
  what: string,
  value: unknown,
  maxLength = MAX_NAME_LENGTH,
): asserts value is string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new ValidationError(`${what} must be a non-empty string, got ${show(value)}`);
  }
  requireMaxLength(what, value, maxLength);
}

/** Throws a ValidationError unless the string has at most `maxLength` characters and is storable text. */
export function requireMaxLength(what: string, value: string, maxLength: number): void {
  if (value.length > maxLength) {
    throw new ValidationError(
      `${what} must be at most ${maxLength.toLocaleString('en')} characters, got ${show(value)}`,
    );
  }
  const problem = textProblem(value);
  if (problem) throw new ValidationError(`${what} ${problem}`);
}

/**
 * Why PostgreSQL cannot store `value` as text or in JSON, or undefined: a NUL character (text and jsonb refuse
 * U+0000) or a lone UTF-16 surrogate (not Unicode: jsonb refuses it, text would silently turn it into U+FFFD).
 */
export function textProblem(value: string): string | undefined {
  const nul = value.indexOf('\0');
  if (nul >= 0) return `contains a NUL character (U+0000) at character ${nul + 1}, which PostgreSQL cannot store`;
  const lone = LONE_SURROGATE.exec(value);
  if (lone) {
    const code = lone[0].charCodeAt(0).toString(16).toUpperCase();
    return `contains a lone UTF-16 surrogate (U+${code}) at character ${lone.index + 1}, which is not Unicode text`;
  }
  return undefined;
}
// In a `u` regular expression a well-formed surrogate pair is one code point, not of category Cs.
const LONE_SURROGATE = /\p{Cs}/u;

/** Throws a ValidationError naming `what` unless `value` is a uid: an integer from 1 to MAX_UID. */
export function requireUid(what: string, value: unknown): asserts value is number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > MAX_UID) {
    throw new ValidationError(`${what} must be an integer uid from 1 to ${MAX_UID}, got ${show(value)}`);
  }
}

/** Turns `value` into a short, quoted form for error messages. */
export function show(value: unknown): string {
  if (typeof value === 'string') {
    // A long string is shown by its start and its length, so a 1 MB value does not become a 1 MB message.
    return value.length > 80
      ? `${JSON.stringify(value.slice(0, 60))}… (a ${value.length.toLocaleString('en')}-character string)`
      : JSON.stringify(value);
  }
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  if (value === undefined) return 'undefined';
  try {
    // JSON.stringify answers undefined for functions and symbols, whatever its declared type says.
    const text = JSON.stringify(value) as string | undefined;
    return text === undefined ? typeof value : text;
  } catch {
    return Object.prototype.toString.call(value);
  }
}
