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
    super(`modelName must be a non-empty string, got ${JSON.stringify(value) ?? String(value)}`);
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

/** Turns `value` into a short, quoted form for error messages. */
export function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === undefined) return 'undefined';
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
