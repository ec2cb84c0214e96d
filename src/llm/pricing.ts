/** Cost of a model call from the configured price table (USD per million tokens); unknown price → null, never a guess. */
export type PriceTable = Record<string, { input: number; output: number }>;

export function priceOf(prices: PriceTable, model: string): { input: number; output: number } | undefined {
  return Object.hasOwn(prices, model) ? prices[model] : undefined;
}

export function costUsd(
  prices: PriceTable,
  model: string,
  promptTokens: number | null,
  completionTokens: number | null,
): number | null {
  const price = priceOf(prices, model);
  if (!price || promptTokens === null || completionTokens === null) return null;
  return (promptTokens * price.input + completionTokens * price.output) / 1_000_000;
}
