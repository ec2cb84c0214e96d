import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import { describe, expect, it } from 'vitest';
import { classifyLlmError, LLM_FATAL, LLM_TRANSIENT, toActivityFailure } from '../../src/llm/provider-errors';
import { RATE_LIMITED_FAILURE } from '../../src/shared/row-errors';

/** An APIError as the openai client builds it from an HTTP response body `{ error: { message } }`. */
function apiError(status: number, message: string, headers: Record<string, string> = {}): APIError {
  return APIError.generate(status, { error: { message } }, undefined, new Headers(headers));
}

describe('classifyLlmError: 429', () => {
  it('is rate_limited with retryAfterMs from retry-after seconds', () => {
    const c = classifyLlmError(apiError(429, 'Rate limit reached', { 'retry-after': '7' }));
    expect(c).toEqual({ kind: 'rate_limited', retryAfterMs: 7000, message: 'rate limited (429): Rate limit reached' });
  });

  it('takes retryAfterMs from retry-after-ms, preferred over retry-after', () => {
    const c = classifyLlmError(apiError(429, 'slow down', { 'retry-after-ms': '1500', 'retry-after': '9' }));
    expect(c).toMatchObject({ kind: 'rate_limited', retryAfterMs: 1500 });
  });

  it('falls back to retry-after when retry-after-ms is not a positive number', () => {
    const c = classifyLlmError(apiError(429, 'slow down', { 'retry-after-ms': 'soon', 'retry-after': '2' }));
    expect(c).toMatchObject({ kind: 'rate_limited', retryAfterMs: 2000 });
  });

  it('takes retryAfterMs from an HTTP date in retry-after', () => {
    const at = new Date(Date.now() + 60_000).toUTCString();
    const c = classifyLlmError(apiError(429, 'slow down', { 'retry-after': at }));
    expect(c.kind).toBe('rate_limited');
    const ms = (c as { retryAfterMs?: number }).retryAfterMs;
    // HTTP dates have whole seconds, so up to 1 s (plus test time) is lost.
    expect(ms).toBeGreaterThan(55_000);
    expect(ms).toBeLessThanOrEqual(60_000);
  });

  it('gives 0 for an HTTP date in the past', () => {
    const c = classifyLlmError(apiError(429, 'slow down', { 'retry-after': 'Wed, 21 Oct 2015 07:28:00 GMT' }));
    expect(c).toMatchObject({ kind: 'rate_limited', retryAfterMs: 0 });
  });

  it('leaves retryAfterMs undefined without a retry header or with an unreadable one', () => {
    const none = classifyLlmError(apiError(429, 'slow down'));
    expect(none.kind).toBe('rate_limited');
    expect(none).toHaveProperty('retryAfterMs', undefined);
    const garbage = classifyLlmError(apiError(429, 'slow down', { 'retry-after': 'later please' }));
    expect(garbage).toHaveProperty('retryAfterMs', undefined);
  });
});

describe('toActivityFailure: 429', () => {
  it('is an LlmRateLimited deferral carrying retry-after and the attempt, for the workflow to wait out', () => {
    const f = toActivityFailure(apiError(429, 'Rate limit reached', { 'retry-after': '3' }), 2);
    expect(f.type).toBe(RATE_LIMITED_FAILURE);
    expect(f.type).toBe('LlmRateLimited');
    expect(f.details).toEqual([{ attempt: 2, retryAfterMs: 3000 }]);
    expect(f.message).toBe('rate limited (429): Rate limit reached');
  });

  it('leaves retryAfterMs unset without a retry header (the workflow backs off)', () => {
    const f = toActivityFailure(apiError(429, 'x'), 1);
    expect(f.type).toBe(RATE_LIMITED_FAILURE);
    expect(f.details).toEqual([{ attempt: 1, retryAfterMs: undefined }]);
  });
});

describe('classifyLlmError: overloaded', () => {
  it.each([503, 529])('treats %i as a rate limit, with its retry-after', (status) => {
    const c = classifyLlmError(apiError(status, 'Overloaded', { 'retry-after': '2' }));
    expect(c).toEqual({ kind: 'rate_limited', retryAfterMs: 2000, message: `overloaded (${status}): Overloaded` });
    expect(toActivityFailure(apiError(status, 'Overloaded'), 1).type).toBe(RATE_LIMITED_FAILURE);
  });
});

describe('classifyLlmError: transient statuses', () => {
  it.each([500, 502, 504])('treats %i as a transient provider error, naming the status', (status) => {
    const c = classifyLlmError(apiError(status, 'upstream broke'));
    expect(c).toEqual({
      kind: 'transient',
      rowErrorKind: 'provider',
      message: `the model endpoint failed (${status}): upstream broke`,
    });
    const f = toActivityFailure(apiError(status, 'upstream broke'), 1);
    expect(f.type).toBe(LLM_TRANSIENT);
    expect(f.nonRetryable).toBe(false);
  });

  it('treats 408 as a transient timeout and 409 as a transient provider error', () => {
    expect(classifyLlmError(apiError(408, 'try again'))).toEqual({
      kind: 'transient',
      rowErrorKind: 'timeout',
      message: 'the model endpoint timed out (408): try again',
    });
    expect(classifyLlmError(apiError(409, 'try again'))).toEqual({
      kind: 'transient',
      rowErrorKind: 'provider',
      message: 'the model endpoint asked to retry (409): try again',
    });
    expect(toActivityFailure(apiError(409, 'try again'), 1).nonRetryable).toBe(false);
  });

  it('treats other unlisted statuses as transient', () => {
    expect(classifyLlmError(apiError(418, 'teapot'))).toEqual({
      kind: 'transient',
      rowErrorKind: 'provider',
      message: 'the model endpoint answered 418: teapot',
    });
  });
});

describe('classifyLlmError: fatal statuses', () => {
  it.each([400, 401, 403, 404, 422])('treats %i as fatal, naming the status', (status) => {
    const c = classifyLlmError(apiError(status, 'nope'));
    expect(c.kind).toBe('fatal');
    const reason = (c as { reason: string }).reason;
    expect(reason).toContain(`(${status})`);
    expect(reason).toContain('nope');
  });

  it.each([400, 401, 403, 404, 422])('turns %i into a non-retryable LlmFatalError failure', (status) => {
    const f = toActivityFailure(apiError(status, 'nope'), 1);
    expect(f.type).toBe(LLM_FATAL);
    expect(f.type).toBe('LlmFatalError');
    expect(f.nonRetryable).toBe(true);
    expect(f.message).toContain(`(${status})`);
  });

  it('says which part was rejected for each status', () => {
    expect((classifyLlmError(apiError(401, 'bad')) as { reason: string }).reason).toMatch(/API key/);
    expect((classifyLlmError(apiError(403, 'no')) as { reason: string }).reason).toMatch(/may not use this model/);
    expect((classifyLlmError(apiError(404, 'gone')) as { reason: string }).reason).toMatch(/does not exist/);
    expect((classifyLlmError(apiError(400, 'bad param')) as { reason: string }).reason).toMatch(/rejected the request/);
  });

  it('redacts an API key fragment echoed by the provider', () => {
    const err = apiError(401, 'Incorrect API key provided: sk-abc123XYZ. You can find your key elsewhere.');
    const c = classifyLlmError(err);
    const reason = (c as { reason: string }).reason;
    expect(reason).not.toContain('sk-abc123XYZ');
    expect(reason).toContain('<redacted>');
    expect(reason).toContain('Incorrect API key provided');
    expect(toActivityFailure(err, 1).message).not.toContain('sk-abc123XYZ');
  });

  it('redacts a key fragment in the error message when the body has no message', () => {
    const err = APIError.generate(401, undefined, 'Incorrect API key provided: sk-abc123XYZ', new Headers());
    const reason = (classifyLlmError(err) as { reason: string }).reason;
    expect(reason).not.toContain('sk-abc123XYZ');
    expect(reason).toContain('(401)');
  });
});

describe('key redaction (regressions)', () => {
  it('leaves words that only look like a key prefix alone', () => {
    const reason = (
      classifyLlmError(apiError(400, 'Unsupported api-version 2024-01-01 for key_usage')) as { reason: string }
    ).reason;
    expect(reason).toContain('Unsupported api-version 2024-01-01 for key_usage');
  });

  it('redacts keys in connection errors and other errors too', () => {
    const c = classifyLlmError(new APIConnectionError({ message: 'proxy refused sk-proj-1234abcd' }));
    expect(c).toEqual({
      kind: 'transient',
      rowErrorKind: 'provider',
      message: 'the model endpoint did not answer: proxy refused <redacted>',
    });
    expect(classifyLlmError(new Error('bad header key-9f8e7d6c5b'))).toEqual({
      kind: 'transient',
      rowErrorKind: 'provider',
      message: 'bad header <redacted>',
    });
  });
});

describe('classifyLlmError: non-HTTP errors', () => {
  it('treats a connection error as transient', () => {
    const c = classifyLlmError(new APIConnectionError({ message: 'ECONNREFUSED 127.0.0.1:8000' }));
    expect(c).toEqual({
      kind: 'transient',
      rowErrorKind: 'provider',
      message: 'the model endpoint did not answer: ECONNREFUSED 127.0.0.1:8000',
    });
    const f = toActivityFailure(new APIConnectionError({ message: 'ECONNREFUSED' }), 1);
    expect(f.type).toBe(LLM_TRANSIENT);
    expect(f.nonRetryable).toBe(false);
  });

  it('treats a request timeout as a transient timeout', () => {
    expect(classifyLlmError(new APIConnectionTimeoutError())).toEqual({
      kind: 'transient',
      rowErrorKind: 'timeout',
      message: 'the model did not answer within the request timeout',
    });
  });

  it('treats a user abort as aborted, and its failure as a retryable transient one', () => {
    expect(classifyLlmError(new APIUserAbortError())).toEqual({ kind: 'aborted' });
    const f = toActivityFailure(new APIUserAbortError(), 1);
    expect(f.type).toBe(LLM_TRANSIENT);
    expect(f.message).toBe('the model call was aborted');
    expect(f.nonRetryable).toBe(false);
  });

  it('treats a plain Error as transient with its message', () => {
    expect(classifyLlmError(new Error('socket hang up'))).toEqual({
      kind: 'transient',
      rowErrorKind: 'provider',
      message: 'socket hang up',
    });
    const f = toActivityFailure(new Error('socket hang up'), 1);
    expect(f.type).toBe(LLM_TRANSIENT);
    expect(f.message).toBe('socket hang up');
  });

  it('treats a thrown non-Error value as transient with its string form', () => {
    expect(classifyLlmError('boom')).toEqual({ kind: 'transient', rowErrorKind: 'provider', message: 'boom' });
  });
});
