/**
 * The pure parts of spend control: the request cache key (any change in the request changes it), prices (unknown
 * price → unknown cost), token counting per model family, and budget validation.
 */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config';
import { BudgetNeedsPriceError, InvalidBudgetError } from '../../src/errors';
import { costUsd } from '../../src/llm/pricing';
import { requestKey } from '../../src/llm/request-key';
import { tokenCounterFor } from '../../src/llm/tokens';
import { resolveBudget } from '../../src/services/common/execute-options';
import { budgetProblem } from '../../src/shared/budget';

const base = {
  baseUrl: 'http://127.0.0.1:1/v1',
  model: 'gpt-4o-mini',
  messages: [
    { role: 'system' as const, content: 'Judge it.' },
    { role: 'user' as const, content: 'Q: a? A: b.' },
  ],
  fmHyperparameters: { temperature: 0, top_p: 1, max_tokens: 100, seed: 7, response_format: { type: 'json_object' } },
};

describe('request cache key', () => {
  it('is the same for the same request, whatever the order of its keys', () => {
    const reordered = {
      fmHyperparameters: {
        seed: 7,
        response_format: { type: 'json_object' },
        max_tokens: 100,
        top_p: 1,
        temperature: 0,
      },
      messages: base.messages,
      model: base.model,
      baseUrl: base.baseUrl,
    };
    expect(requestKey(reordered)).toBe(requestKey(base));
    expect(requestKey(base)).toMatch(/^[0-9a-f]{64}$/);
  });

  const variants: [string, Parameters<typeof requestKey>[0]][] = [
    ['the endpoint', { ...base, baseUrl: 'http://127.0.0.1:2/v1' }],
    ['the model', { ...base, model: 'gpt-4o' }],
    ['the system message', { ...base, messages: [{ role: 'system', content: 'Judge it!' }, base.messages[1]!] }],
    ['the user message', { ...base, messages: [base.messages[0]!, { role: 'user', content: 'Q: a? A: c.' }] }],
    ['a message role', { ...base, messages: [base.messages[0]!, { role: 'assistant', content: 'Q: a? A: b.' }] }],
    ['the message order', { ...base, messages: [base.messages[1]!, base.messages[0]!] }],
    ['temperature', { ...base, fmHyperparameters: { ...base.fmHyperparameters, temperature: 0.2 } }],
    ['top_p', { ...base, fmHyperparameters: { ...base.fmHyperparameters, top_p: 0.9 } }],
    ['max_tokens', { ...base, fmHyperparameters: { ...base.fmHyperparameters, max_tokens: 101 } }],
    ['seed', { ...base, fmHyperparameters: { ...base.fmHyperparameters, seed: 8 } }],
    [
      'response_format',
      { ...base, fmHyperparameters: { ...base.fmHyperparameters, response_format: { type: 'text' } } },
    ],
    ['an added parameter', { ...base, fmHyperparameters: { ...base.fmHyperparameters, presence_penalty: 0 } }],
    ['a removed parameter', { ...base, fmHyperparameters: { temperature: 0 } }],
    [
      'a parameter of type string instead of number',
      { ...base, fmHyperparameters: { ...base.fmHyperparameters, seed: '7' } },
    ],
  ];
  it.each(variants)('changes with %s', (_, changed) => {
    expect(requestKey(changed)).not.toBe(requestKey(base));
  });
});

describe('cost', () => {
  const prices = { 'gpt-4o-mini': { input: 0.15, output: 0.6 } };
  it('is tokens × the price per million tokens', () => {
    expect(costUsd(prices, 'gpt-4o-mini', 1_000_000, 500_000)).toBeCloseTo(0.45, 10);
  });
  it('is unknown for a model without a price, or without usage', () => {
    expect(costUsd(prices, 'gpt-4o', 10, 10)).toBeNull();
    expect(costUsd(prices, 'gpt-4o-mini', null, 10)).toBeNull();
    expect(costUsd(prices, 'toString', 10, 10)).toBeNull();
  });
});

describe('token counting', () => {
  it('uses o200k_base for GPT-4o and newer, cl100k_base for GPT-4 and 3.5, and says when it approximates', async () => {
    expect(await tokenCounterFor('gpt-4o-mini')).toMatchObject({ encoding: 'o200k_base', approximate: false });
    expect(await tokenCounterFor('gpt-5')).toMatchObject({ encoding: 'o200k_base', approximate: false });
    expect(await tokenCounterFor('gpt-4')).toMatchObject({ encoding: 'cl100k_base', approximate: false });
    expect(await tokenCounterFor('gpt-3.5-turbo')).toMatchObject({ encoding: 'cl100k_base', approximate: false });
    expect(await tokenCounterFor('llama-3-70b')).toMatchObject({ encoding: 'o200k_base', approximate: true });
  });
  it('counts a chat as its texts plus 3 tokens per message and 3 for the reply', async () => {
    const counter = await tokenCounterFor('gpt-4o');
    expect(counter.countText('hello world')).toBe(2);
    expect(
      counter.countMessages([
        { role: 'system', content: 'hello world' },
        { role: 'user', content: 'hello world' },
      ]),
    ).toBe(2 + 3 + 2 + 3 + 3);
  });
});

describe('budgets', () => {
  const config = loadConfig({ JUDGEFLOW_MODEL_PRICES: '{"gpt-4o-mini":{"input":0.15,"output":0.6}}' });
  it('accepts positive limits, and nothing (no limit)', () => {
    expect(resolveBudget(config, { maxCostUsd: 2.5, maxTokens: 1000 }, 'gpt-4o-mini')).toEqual({
      maxCostUsd: 2.5,
      maxTokens: 1000,
    });
    expect(resolveBudget(config, undefined, 'gpt-4o-mini')).toEqual({});
  });
  it.each([
    [{ maxCostUsd: -1 }, /maxCostUsd must be a number > 0, got -1/],
    [{ maxTokens: 0 }, /maxTokens must be a number > 0, got 0/],
    [{ maxTokens: '1000' }, /maxTokens must be a number > 0, got "1000"/],
    [{ maxTokens: 0.5 }, /maxTokens must be a whole number of tokens .*, got 0\.5/],
    [{ maxTokens: 2 ** 64 }, /maxTokens must be a whole number of tokens \(at most 9007199254740991\), got 1844/],
    [{ maxCostUsd: Number.NaN }, /maxCostUsd must be a number > 0/],
    [{ maxDollars: 5 }, /unknown field\(s\) maxDollars/],
    [5, /not an object/],
  ])('refuses %j, naming the value', (budget, message) => {
    expect(() => resolveBudget(config, budget, 'gpt-4o-mini')).toThrow(InvalidBudgetError);
    expect(() => resolveBudget(config, budget, 'gpt-4o-mini')).toThrow(message);
  });
  it('as the setBudget Update checks it: 0 is allowed there (it pauses at once), a negative or unknown field is not', () => {
    expect(budgetProblem({ maxTokens: 0 }, { allowZero: true })).toBeUndefined();
    expect(budgetProblem({}, { allowZero: true })).toBeUndefined();
    expect(budgetProblem({ maxCostUsd: -1 }, { allowZero: true })).toBe('maxCostUsd must be a number ≥ 0, got -1');
    expect(budgetProblem({ cap: 1 }, { allowZero: true })).toBe('unknown field(s) cap');
    expect(budgetProblem([], { allowZero: true })).toBe('not an object');
    expect(budgetProblem({ maxTokens: 1.5 }, { allowZero: true })).toMatch(/whole number of tokens/);
  });
  it('refuses a cost limit for a model without a price (its cost could not be known)', () => {
    expect(() => resolveBudget(config, { maxCostUsd: 1 }, 'local-judge')).toThrow(BudgetNeedsPriceError);
    expect(resolveBudget(config, { maxTokens: 10 }, 'local-judge')).toEqual({ maxTokens: 10 });
  });
  it('defaults to JUDGEFLOW_BUDGET_USD / JUDGEFLOW_BUDGET_TOKENS', () => {
    const withDefault = loadConfig({ JUDGEFLOW_BUDGET_TOKENS: '5000' });
    expect(resolveBudget(withDefault, undefined, 'local-judge')).toEqual({ maxTokens: 5000 });
  });
  it('names a bad price table in the configuration', () => {
    expect(() => loadConfig({ JUDGEFLOW_MODEL_PRICES: '{"m":{"input":-1,"output":1}}' })).toThrow(
      /JUDGEFLOW_MODEL_PRICES=.*m\.input/,
    );
    expect(() => loadConfig({ JUDGEFLOW_MODEL_PRICES: 'cheap' })).toThrow(/JUDGEFLOW_MODEL_PRICES=.*expected JSON/);
  });
});
