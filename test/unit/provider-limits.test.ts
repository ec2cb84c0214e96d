import { describe, expect, it } from 'vitest';
import { parseResetMs, providerLimits } from '../../src/llm/provider-limits';

describe("the provider's x-ratelimit-* headers", () => {
  it.each([
    ['1s', 1000],
    ['6m0s', 360_000],
    ['59.832s', 59_832],
    ['17ms', 17],
    ['1h2m3s', 3_723_000],
    ['2', 2000],
  ])('reset %s is %d ms', (value, ms) => {
    expect(parseResetMs(value)).toBeCloseTo(ms, 6);
  });

  it.each(['', 'soon', '5 s', '1x', '-1s'])('reset %j is not understood', (value) => {
    expect(parseResetMs(value)).toBeUndefined();
  });

  it('reads remaining requests and tokens with their resets', () => {
    const headers = new Headers({
      'x-ratelimit-remaining-requests': '0',
      'x-ratelimit-reset-requests': '2s',
      'x-ratelimit-remaining-tokens': '149000',
      'x-ratelimit-reset-tokens': '120ms',
    });
    expect(providerLimits(headers)).toEqual({
      remainingRequests: 0,
      resetRequestsMs: 2000,
      remainingTokens: 149_000,
      resetTokensMs: 120,
    });
  });

  it('says nothing when the provider sent no such header', () => {
    expect(providerLimits(new Headers({ 'content-type': 'application/json' }))).toBeUndefined();
    expect(providerLimits(undefined)).toBeUndefined();
  });
});
