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

describe('JUDGEFLOW_MODELS', () => {
  it('names only: an allow-list with no settings', () => {
    const config = loadConfig({ JUDGEFLOW_MODELS: 'gpt-4o, gpt-4o-mini' });
    expect(config.models).toEqual(['gpt-4o', 'gpt-4o-mini']);
    expect(config.modelConfigs).toEqual({ 'gpt-4o': {}, 'gpt-4o-mini': {} });
  });

  it('unset: any model, no settings', () => {
    expect(loadConfig({}).models).toBeUndefined();
    expect(loadConfig({}).modelConfigs).toEqual({});
  });

  it('JSON: endpoint, the key from the variable it names, shared limits and a concurrency cap per model', () => {
    const config = loadConfig({
      JUDGEFLOW_MODELS: JSON.stringify({
        'gpt-4o-mini': { rpm: 500, tpm: 200_000, maxConcurrency: 32 },
        'llama-3': { baseUrl: 'http://127.0.0.1:8000/v1', apiKeyEnv: 'LLAMA_KEY', rpm: 60 },
      }),
      LLAMA_KEY: 'k-123',
    });
    expect(config.models).toEqual(['gpt-4o-mini', 'llama-3']);
    expect(config.modelConfigs['gpt-4o-mini']).toEqual({ rpm: 500, tpm: 200_000, maxConcurrency: 32 });
    expect(config.modelConfigs['llama-3']).toEqual({
      baseUrl: 'http://127.0.0.1:8000/v1',
      apiKeyEnv: 'LLAMA_KEY',
      apiKey: 'k-123',
      rpm: 60,
    });
  });

  it.each([
    [
      '{"gpt-4o": {"rpm": -1}}',
      /JUDGEFLOW_MODELS=.* is invalid: gpt-4o\.rpm: .*expected model names separated by commas, or JSON/,
    ],
    ['{"gpt-4o": {"rmp": 10}}', /JUDGEFLOW_MODELS=.* is invalid: gpt-4o: .*rmp/],
    ['{"gpt-4o": {"maxConcurrency": 1.5}}', /gpt-4o\.maxConcurrency/],
    ['{"gpt-4o": {"baseUrl": "not a url"}}', /gpt-4o\.baseUrl/],
    ['{"gpt-4o": {"apiKeyEnv": "not-a-name"}}', /gpt-4o\.apiKeyEnv: expected the name of an environment variable/],
    ['{"gpt-4o": ', /JUDGEFLOW_MODELS=.* is invalid: not valid JSON/],
  ])('refuses %s, naming the bad field', (value, message) => {
    expect(() => loadConfig({ JUDGEFLOW_MODELS: value })).toThrow(ConfigError);
    expect(() => loadConfig({ JUDGEFLOW_MODELS: value })).toThrow(message);
  });
});

describe('TEMPORAL_UI_URL', () => {
  it('is the Web UI of the dev server unless set, and takes any http(s) URL', () => {
    expect(loadConfig({}).temporal.uiUrl).toBe('http://localhost:8233');
    expect(loadConfig({ TEMPORAL_UI_URL: 'https://temporal.example.com/ui' }).temporal.uiUrl).toBe(
      'https://temporal.example.com/ui',
    );
  });

  it.each([
    'javascript:alert(1)',
    'JavaScript:alert(document.domain)',
    'data:text/html,<b>x</b>',
    'ftp://host',
    'localhost:8233',
  ])('refuses %s: reports and the command line link to it', (value) => {
    expect(() => loadConfig({ TEMPORAL_UI_URL: value })).toThrow(ConfigError);
    expect(() => loadConfig({ TEMPORAL_UI_URL: value })).toThrow(
      `environment variable TEMPORAL_UI_URL=${JSON.stringify(value)} is invalid: expected an http:// or https:// URL`,
    );
  });
});
