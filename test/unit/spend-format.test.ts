import { describe, expect, it } from 'vitest';
import { describeSpend, usageOf } from '../../src/cli/spend-format';
import type { ExecutionResult } from '../../src/services/client/evaluator-executions';

const row = (costUsd: number | null, tokens = 10, cached = false): ExecutionResult => ({
  score: 1,
  rationale: 'ok',
  usage: { promptTokens: tokens - 2, completionTokens: 2, totalTokens: tokens, model: 'm' },
  costUsd,
  ...(cached && { cachedFrom: { executionUid: 1, xUid: 'a' } }),
});

describe('the spend of an execution from its results', () => {
  it('a paid row without a price makes the cost unknown: null, not the sum of the others', () => {
    const u = usageOf({ a: row(0.001), b: row(null), c: row(null) });
    expect(u).toMatchObject({ tokens: 30, costUsd: null, costUnknownRows: 2 });
    expect(describeSpend(u)).toContain('cost unknown for 2 rows (no price)');
  });

  it('every paid row priced: the sum; a cache hit is free and known', () => {
    const u = usageOf({ a: row(0.001), b: row(0.002), c: row(0, 0, true) });
    expect(u.costUsd).toBeCloseTo(0.003, 12);
    expect(u).toMatchObject({ costUnknownRows: 0, cacheHits: 1 });
    expect(describeSpend(u)).toContain('$0.0030');
  });
});
