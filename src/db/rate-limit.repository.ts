/**
 * The rate limits all workers share, one row per model endpoint, as GCRA (the generic cell rate algorithm): each row
 * keeps the earliest time the next call may start under the requests-per-minute and the tokens-per-minute limit.
 * Taking a turn moves both forward by what the call costs (1/RPM of a minute, tokens/TPM of a minute), in one
 * statement, so concurrent workers are serialised by the row lock and never share a turn. No credit builds up while
 * idle: calls are spaced evenly, never bursted. PostgreSQL's `now()` is the one clock every worker reads.
 */
import type { Queryable } from './pool';

export interface TurnRequest {
  /** The model endpoint, e.g. `https://api.openai.com/v1 gpt-4o-mini`. */
  key: string;
  /** How far one request moves the requests clock (60 000 / RPM), 0 without an RPM limit. */
  requestMs: number;
  /** How far this call's tokens move the tokens clock (tokens × 60 000 / TPM), 0 without a TPM limit. */
  tokensMs: number;
  /** A turn further away than this is not taken: the caller defers instead of holding a place that long. */
  maxWaitMs: number;
}

/** `waitMs`: the turn was taken and starts that many ms from now (≤ 0: now). `busyForMs`: no turn was taken. */
export type Turn = { waitMs: number } | { busyForMs: number };

const ms = (param: string) => `make_interval(secs => ${param}::float8 / 1000)`;

export async function takeTurn(q: Queryable, r: TurnRequest): Promise<Turn> {
  const { rows } = await q.query<{ waitMs: number }>(
    `INSERT INTO model_rate_limits AS l (limit_key, requests_tat, tokens_tat)
     VALUES ($1, now() + ${ms('$2')}, now() + ${ms('$3')})
     ON CONFLICT (limit_key) DO UPDATE SET
       requests_tat = GREATEST(l.requests_tat, l.tokens_tat, now()) + ${ms('$2')},
       tokens_tat = GREATEST(l.requests_tat, l.tokens_tat, now()) + ${ms('$3')}
     WHERE GREATEST(l.requests_tat, l.tokens_tat) <= now() + ${ms('$4')}
     RETURNING (extract(epoch FROM requests_tat - now()) * 1000 - $2::float8)::float8 AS "waitMs"`,
    [r.key, r.requestMs, r.tokensMs, r.maxWaitMs],
  );
  if (rows[0]) return { waitMs: rows[0].waitMs };
  const busy = await q.query<{ busyForMs: number }>(
    `SELECT (extract(epoch FROM GREATEST(requests_tat, tokens_tat) - now()) * 1000)::float8 AS "busyForMs"
       FROM model_rate_limits WHERE limit_key = $1`,
    [r.key],
  );
  return { busyForMs: Math.max(0, busy.rows[0]?.busyForMs ?? 0) };
}

/** A call used `deltaMs` more (or, negative, less) of the tokens clock than its turn reserved. */
export async function settleTokens(q: Queryable, key: string, deltaMs: number): Promise<void> {
  await q.query(`UPDATE model_rate_limits SET tokens_tat = tokens_tat + ${ms('$2')} WHERE limit_key = $1`, [
    key,
    deltaMs,
  ]);
}

/**
 * The provider said its own limit is reached (a 429's `retry-after`, or `x-ratelimit-remaining-*` at zero): no turn
 * starts, for any worker, before `requestsMs` / `tokensMs` from now.
 */
export async function holdTurns(q: Queryable, key: string, hold: { requestsMs: number; tokensMs: number }) {
  await q.query(
    `UPDATE model_rate_limits SET requests_tat = GREATEST(requests_tat, now() + ${ms('$2')}),
                                  tokens_tat = GREATEST(tokens_tat, now() + ${ms('$3')})
      WHERE limit_key = $1`,
    [key, hold.requestsMs, hold.tokensMs],
  );
}
