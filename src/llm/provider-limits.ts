/**
 * What a provider says of its own rate limits on each answer (OpenAI's `x-ratelimit-*` headers, which many
 * OpenAI-compatible gateways copy): how many requests and tokens are left in its window, and when it resets.
 */

export interface ProviderLimits {
  remainingRequests?: number;
  /** Milliseconds until the requests window resets. */
  resetRequestsMs?: number;
  remainingTokens?: number;
  resetTokensMs?: number;
}

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** A reset as providers write it: `1s`, `6m0s`, `59.832s`, `17ms`, or plain seconds. */
export function parseResetMs(value: string | null | undefined): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed) * 1000;
  const parts = [...trimmed.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== trimmed) return undefined;
  return parts.reduce((sum, p) => sum + Number(p[1]) * UNIT_MS[p[2]!]!, 0);
}

function count(value: string | null | undefined): number | undefined {
  if (value === null || value === undefined || value.trim() === '') return undefined;
  const n = Number(value);
  return Number.isFinite(n) && n >= 0 ? n : undefined;
}

/** The limits the headers state, or undefined when they state none. */
export function providerLimits(headers: Headers | undefined): ProviderLimits | undefined {
  if (!headers) return undefined;
  const limits: ProviderLimits = {
    remainingRequests: count(headers.get('x-ratelimit-remaining-requests')),
    resetRequestsMs: parseResetMs(headers.get('x-ratelimit-reset-requests')),
    remainingTokens: count(headers.get('x-ratelimit-remaining-tokens')),
    resetTokensMs: parseResetMs(headers.get('x-ratelimit-reset-tokens')),
  };
  return Object.values(limits).some((v) => v !== undefined) ? limits : undefined;
}
