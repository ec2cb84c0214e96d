/**
 * Classifies model-call errors for Temporal, the only retry layer: 429 and 503/529 "overloaded" → rate limited
 * (the workflow waits `retry-after` and retries without spending an attempt); other 5xx, connection errors and
 * timeouts → retry with backoff; 400/401/403/404/422 → fatal for the whole execution (a bad key or an unknown
 * model fails every row the same way). Messages never carry the API key.
 */
import { ApplicationFailure } from '@temporalio/common';
import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import { RATE_LIMITED_FAILURE, type DeferralDetails } from '../shared/row-errors';

export const LLM_TRANSIENT = 'LlmTransientError';
export const LLM_FATAL = 'LlmFatalError';

export type LlmErrorClass =
  | { kind: 'rate_limited'; retryAfterMs?: number; message: string }
  | { kind: 'transient'; rowErrorKind: 'timeout' | 'provider'; message: string }
  | { kind: 'fatal'; reason: string }
  | { kind: 'aborted' };

const FATAL_STATUSES = new Set([400, 401, 403, 404, 422]);
/** Providers' "overloaded, try later": 503 (OpenAI, most gateways) and 529 (Anthropic). */
const OVERLOADED_STATUSES = new Set([503, 529]);

export function classifyLlmError(err: unknown): LlmErrorClass {
  if (err instanceof APIUserAbortError) return { kind: 'aborted' };
  if (err instanceof APIConnectionTimeoutError)
    return {
      kind: 'transient',
      rowErrorKind: 'timeout',
      message: 'the model did not answer within the request timeout',
    };
  if (err instanceof APIConnectionError)
    return {
      kind: 'transient',
      rowErrorKind: 'provider',
      message: `the model endpoint did not answer: ${redactKeys(err.message)}`,
    };
  if (err instanceof APIError && typeof err.status === 'number') {
    const status: number = err.status;
    const detail = apiMessage(err);
    const headers = err.headers as Headers | undefined;
    if (status === 429)
      return { kind: 'rate_limited', retryAfterMs: retryAfterMs(headers), message: `rate limited (429): ${detail}` };
    if (OVERLOADED_STATUSES.has(status))
      return {
        kind: 'rate_limited',
        retryAfterMs: retryAfterMs(headers),
        message: `overloaded (${status}): ${detail}`,
      };
    if (status >= 500)
      return {
        kind: 'transient',
        rowErrorKind: 'provider',
        message: `the model endpoint failed (${status}): ${detail}`,
      };
    if (status === 408)
      return { kind: 'transient', rowErrorKind: 'timeout', message: `the model endpoint timed out (408): ${detail}` };
    if (status === 409)
      return {
        kind: 'transient',
        rowErrorKind: 'provider',
        message: `the model endpoint asked to retry (${status}): ${detail}`,
      };
    if (FATAL_STATUSES.has(status)) return { kind: 'fatal', reason: fatalReason(status, detail) };
    return { kind: 'transient', rowErrorKind: 'provider', message: `the model endpoint answered ${status}: ${detail}` };
  }
  return {
    kind: 'transient',
    rowErrorKind: 'provider',
    message: redactKeys(err instanceof Error ? err.message : String(err)),
  };
}

/**
 * The Temporal failure to throw for a model-call error. A rate limit is non-retryable for Temporal on purpose
 * (the row's policy lists it): it returns to the workflow, which slows the execution down, waits and retries
 * the row without spending its attempts.
 */
export function toActivityFailure(err: unknown, attempt: number): ApplicationFailure {
  const c = classifyLlmError(err);
  switch (c.kind) {
    case 'rate_limited': {
      const details: DeferralDetails = { attempt, retryAfterMs: c.retryAfterMs };
      return ApplicationFailure.create({ message: c.message, type: RATE_LIMITED_FAILURE, details: [details] });
    }
    case 'fatal':
      return ApplicationFailure.create({ message: c.reason, type: LLM_FATAL, nonRetryable: true });
    case 'aborted':
      return ApplicationFailure.create({ message: 'the model call was aborted', type: LLM_TRANSIENT });
    default:
      return ApplicationFailure.create({ message: c.message, type: LLM_TRANSIENT });
  }
}

function fatalReason(status: number, detail: string): string {
  switch (status) {
    case 401:
      return `the model endpoint rejected the API key (401): ${detail}`;
    case 403:
      return `the API key may not use this model (403): ${detail}`;
    case 404:
      return `the model or endpoint does not exist (404): ${detail}`;
    default:
      return `the model endpoint rejected the request (${status}), e.g. an unsupported fmHyperparameter: ${detail}`;
  }
}

function apiMessage(err: { error: unknown; message: string }): string {
  const body = err.error;
  const bodyMessage = body !== null && typeof body === 'object' ? (body as { message?: unknown }).message : undefined;
  const message = typeof bodyMessage === 'string' ? bodyMessage : err.message;
  return redactKeys(message);
}

/** Providers sometimes echo a key fragment ("Incorrect API key provided: sk-abc..."): keep it out. */
function redactKeys(message: string): string {
  // A key-like token: a key prefix, then 8+ key characters including a digit ("api-version" is not one).
  return message.replace(/\b(?:sk|key|api)[-_](?=[A-Za-z0-9_\-*.]*\d)[A-Za-z0-9_\-*.]{8,}/gi, '<redacted>');
}

function retryAfterMs(headers: Headers | undefined): number | undefined {
  const ms = Number(headers?.get('retry-after-ms'));
  if (Number.isFinite(ms) && ms > 0) return ms;
  const value = headers?.get('retry-after');
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}
