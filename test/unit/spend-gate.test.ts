/** The budget stage of the admission path: what may start, given what was spent and what is in flight. */
import { describe, expect, it } from 'vitest';
import { emptySpend, SpendGate } from '../../workflows/admission';

describe('SpendGate', () => {
  it('before any row paid, expects the plan estimate per row and reserves it for the rows in flight', () => {
    const gate = new SpendGate({ maxTokens: 1000 }, emptySpend(), { tokens: 300, costUsd: null });
    expect(gate.blocked(0)).toBeUndefined(); // 300 ≤ 1000
    expect(gate.blocked(2)).toBeUndefined(); // 900 ≤ 1000
    expect(gate.blocked(3)).toMatch(
      /^budget: spent 0 of 1000 tokens; the next row \(about 300 tokens\) would exceed it/,
    );
  });

  it('then expects the mean of the rows that paid, and cache hits count nothing', () => {
    const gate = new SpendGate({ maxTokens: 1000 }, emptySpend(), { tokens: 300, costUsd: null });
    gate.add({ tokens: 100, costUsd: null });
    gate.add({ tokens: 0, costUsd: 0, cacheHit: true });
    gate.add({ tokens: 200, costUsd: null });
    expect(gate.spent).toMatchObject({ tokens: 300, paidRows: 2, cacheHits: 1, costUnknownRows: 2 });
    // mean 150: 300 + 4 × 150 = 900 fits, 300 + 5 × 150 = 1050 does not.
    expect(gate.blocked(3)).toBeUndefined();
    expect(gate.blocked(4)).toMatch(/spent 300 of 1000 tokens; the next row \(about 150 tokens\)/);
  });

  it('checks a cost limit in USD, and a raised or lifted budget lets rows in again', () => {
    const gate = new SpendGate({ maxCostUsd: 0.01 }, emptySpend(), { tokens: 100, costUsd: 0.004 });
    gate.add({ tokens: 100, costUsd: 0.004 });
    expect(gate.blocked(0)).toBeUndefined(); // 0.004 + 0.004
    expect(gate.blocked(1)).toMatch(/^budget: spent \$0\.0040 of \$0\.01; the next row \(about \$0\.0040\)/);
    gate.budget = { maxCostUsd: 1 };
    expect(gate.blocked(1)).toBeUndefined();
    gate.budget = {};
    expect(gate.blocked(1000)).toBeUndefined();
  });
});
