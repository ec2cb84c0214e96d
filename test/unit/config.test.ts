import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config';
import { ConfigError } from '../../src/errors';

describe('durations in the environment', () => {
  it.each([
    ['90', 90_000],
    ['45s', 45_000],
    ['30m', 1_800_000],
    ['1h', 3_600_000],
    ['500ms', 500],
    ['1.5h', 5_400_000],
  ])('JUDGEFLOW_RATE_LIMIT_PATIENCE=%s is %i ms', (value, ms) => {
    expect(loadConfig({ JUDGEFLOW_RATE_LIMIT_PATIENCE: value }).llm.rateLimitPatienceMs).toBe(ms);
  });

  it('defaults to one hour of rate-limit patience and a 120 s request timeout', () => {
    expect(loadConfig({}).llm).toEqual({ rateLimitPatienceMs: 3_600_000, requestTimeoutMs: 120_000 });
  });

  it.each(['abc', '0', '-5s', '10 days'])('refuses JUDGEFLOW_RATE_LIMIT_PATIENCE=%s, naming it', (value) => {
    expect(() => loadConfig({ JUDGEFLOW_RATE_LIMIT_PATIENCE: value })).toThrow(ConfigError);
    expect(() => loadConfig({ JUDGEFLOW_RATE_LIMIT_PATIENCE: value })).toThrow(
      `JUDGEFLOW_RATE_LIMIT_PATIENCE=${JSON.stringify(value)} is invalid: expected a positive duration`,
    );
  });

  it('refuses a request timeout the row activity could not wait for', () => {
    expect(() => loadConfig({ JUDGEFLOW_REQUEST_TIMEOUT: '10m' })).toThrow(
      /JUDGEFLOW_REQUEST_TIMEOUT="10m".*at most 270 s/,
    );
  });
});
