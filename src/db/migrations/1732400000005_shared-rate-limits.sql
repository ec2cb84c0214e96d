-- Up Migration
-- The rate limits every worker shares, one row per model endpoint (see src/db/rate-limit.repository.ts): the
-- earliest time the next call may start under the requests-per-minute and the tokens-per-minute limit (a GCRA
-- "theoretical arrival time" each). PostgreSQL's clock is the one clock all workers read.
CREATE TABLE model_rate_limits (
  limit_key     text PRIMARY KEY,
  requests_tat  timestamptz NOT NULL,
  tokens_tat    timestamptz NOT NULL
);

-- Down Migration
DROP TABLE model_rate_limits;
