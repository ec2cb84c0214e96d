-- Up Migration
-- Spend control: what each row cost and whether its answer came from the request cache (and from which earlier
-- row), the budget and cache setting of each execution, and the cache of answered requests.
ALTER TABLE evaluator_results
  ADD COLUMN provider_model text,
  ADD COLUMN cost_usd double precision CHECK (cost_usd >= 0),
  ADD COLUMN cache_hit boolean NOT NULL DEFAULT false,
  ADD COLUMN cache_source_execution_uid integer,
  ADD COLUMN cache_source_x_uid text,
  ADD CONSTRAINT evaluator_results_cache_source_check CHECK (cache_hit = (cache_source_execution_uid IS NOT NULL));

ALTER TABLE evaluator_executions
  ADD COLUMN budget_usd double precision CHECK (budget_usd >= 0),
  ADD COLUMN budget_tokens bigint CHECK (budget_tokens >= 0),
  ADD COLUMN cache boolean NOT NULL DEFAULT false;

ALTER TABLE benchmark_executions
  ADD COLUMN budget_usd double precision CHECK (budget_usd >= 0),
  ADD COLUMN budget_tokens bigint CHECK (budget_tokens >= 0),
  ADD COLUMN cache boolean NOT NULL DEFAULT false;

-- One answer per distinct request (see src/llm/request-key.ts): the first row that paid for it.
CREATE TABLE judge_cache (
  request_key        text PRIMARY KEY,
  execution_uid      integer NOT NULL,
  x_uid              text NOT NULL,
  score              integer NOT NULL,
  rationale          text,
  provider_model     text,
  prompt_tokens      integer,
  completion_tokens  integer,
  created_at         timestamptz NOT NULL DEFAULT now()
);

-- Down Migration
DROP TABLE judge_cache;
ALTER TABLE benchmark_executions DROP COLUMN budget_usd, DROP COLUMN budget_tokens, DROP COLUMN cache;
ALTER TABLE evaluator_executions DROP COLUMN budget_usd, DROP COLUMN budget_tokens, DROP COLUMN cache;
ALTER TABLE evaluator_results DROP CONSTRAINT evaluator_results_cache_source_check,
  DROP COLUMN provider_model, DROP COLUMN cost_usd, DROP COLUMN cache_hit,
  DROP COLUMN cache_source_execution_uid, DROP COLUMN cache_source_x_uid;
