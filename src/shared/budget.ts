/** The shape of a budget, checked alike where an execution starts (services) and where it is raised (workflows). */

/**
 * Why `budget` is not `{ maxCostUsd?, maxTokens? }` with finite numbers above 0 (or from 0, with `allowZero`), or
 * undefined when it is one.
 */
export function budgetProblem(budget: unknown, options: { allowZero: boolean }): string | undefined {
  if (!budget || typeof budget !== 'object' || Array.isArray(budget)) return 'not an object';
  const { maxCostUsd, maxTokens, ...rest } = budget as Record<string, unknown>;
  if (Object.keys(rest).length) return `unknown field(s) ${Object.keys(rest).join(', ')}`;
  for (const [name, v] of [
    ['maxCostUsd', maxCostUsd],
    ['maxTokens', maxTokens],
  ] as const) {
    if (v !== undefined && (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || (v === 0 && !options.allowZero)))
      return `${name} must be a number ${options.allowZero ? '≥' : '>'} 0, got ${JSON.stringify(v)}`;
  }
  // Tokens are counted whole (and stored as bigint): 0.5 tokens is a mistake, not a budget.
  if (maxTokens !== undefined && !Number.isSafeInteger(maxTokens))
    return `maxTokens must be a whole number of tokens (at most ${Number.MAX_SAFE_INTEGER}), got ${JSON.stringify(maxTokens)}`;
  return undefined;
}
