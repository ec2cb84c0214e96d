/**
 * What a row's judgement can end in besides a score, and the failures that mean "later" rather than a verdict on
 * the row. Side-effect free: workflows, activities and the SDK import it.
 */

/**
 * Why a row has no score. Every row error carries exactly one kind; progress and results count them.
 * - `unparseable`: the answer is not a score (no JSON score, no label name, or a required rationale is missing)
 * - `out_of_range`: the answer's score is not one of the criteria's label scores
 * - `refusal`: the model refused, its content was filtered, or the answer was empty
 * - `timeout`: the model did not answer within the request timeout, on every attempt
 * - `provider`: the model endpoint failed (5xx, connection errors) on every attempt
 * - `rate_limited`: the provider kept rate-limiting the row for longer than JUDGEFLOW_RATE_LIMIT_PATIENCE
 * - `unrenderable`: the row cannot be put into the prompt (e.g. a column the template names is missing)
 */
export const ROW_ERROR_KINDS = [
  'unparseable',
  'out_of_range',
  'refusal',
  'timeout',
  'provider',
  'rate_limited',
  'unrenderable',
] as const;
export type RowErrorKind = (typeof ROW_ERROR_KINDS)[number];

/** The provider said "later" (429, or 503/529 overloaded): the workflow waits and retries without spending an attempt. */
export const RATE_LIMITED_FAILURE = 'LlmRateLimited';
/** PostgreSQL could not be reached: the workflow waits and retries without spending an attempt. */
export const DATABASE_UNAVAILABLE_FAILURE = 'DatabaseUnavailable';
/**
 * The model's rate limit shared by all workers (JUDGEFLOW_MODELS rpm / tpm) has no turn free soon: the workflow
 * gives the row's place back and retries when a turn is near. Not the provider's verdict, so the adaptive window
 * does not shrink for it.
 */
export const SHARED_LIMIT_BUSY_FAILURE = 'SharedRateLimitBusy';
/** Failure types a row attempt ends with that are not a verdict on the row (see DeferralDetails). */
export const DEFERRAL_FAILURES = [
  RATE_LIMITED_FAILURE,
  DATABASE_UNAVAILABLE_FAILURE,
  SHARED_LIMIT_BUSY_FAILURE,
] as const;

/** The first detail of a deferral failure. */
export interface DeferralDetails {
  /** How long the provider asked to wait (`retry-after-ms` / `retry-after`), or the shared limit is busy, when known. */
  retryAfterMs?: number;
  /** The activity attempt the deferral ended: attempts before it failed for real and count against the row. */
  attempt: number;
}

/**
 * A row's local activity ended because its execution stopped (cancelled, or failed on a fatal error): the
 * workflow asked the worker, through the `rows` sink, to abort its in-flight rows. Not retried, not a row error.
 */
export const ROW_CANCELLED_FAILURE = 'RowCancelled';
