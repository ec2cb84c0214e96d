-- Up Migration
-- Self-consistency: an execution may judge each row several times (samples) and aggregate the verdicts. Each sample
-- is stored as it is answered, so a row retried after a crash asks only for the samples it lacks; the row keeps the
-- aggregate, the share of samples that agree with it (confidence), the samples' mean score and a copy of the
-- samples for exports.
ALTER TABLE evaluator_executions
  ADD COLUMN samples integer NOT NULL DEFAULT 1 CHECK (samples BETWEEN 1 AND 20),
  ADD COLUMN aggregation text NOT NULL DEFAULT 'majority' CHECK (aggregation IN ('majority', 'median', 'mean'));

ALTER TABLE benchmark_executions
  ADD COLUMN samples integer NOT NULL DEFAULT 1 CHECK (samples BETWEEN 1 AND 20),
  ADD COLUMN aggregation text NOT NULL DEFAULT 'majority' CHECK (aggregation IN ('majority', 'median', 'mean'));

ALTER TABLE evaluator_results
  ADD COLUMN confidence double precision CHECK (confidence BETWEEN 0 AND 1),
  ADD COLUMN expected_score double precision,
  -- json, not jsonb: exports write the text as stored, in the order and spacing every writer produces.
  ADD COLUMN samples json;

CREATE TABLE evaluator_samples (
  execution_uid      integer NOT NULL REFERENCES evaluator_executions(uid) ON DELETE CASCADE,
  x_uid              text NOT NULL,
  sample_index       integer NOT NULL CHECK (sample_index >= 0),
  score              integer,
  rationale          text,
  error              text,
  error_kind         text,
  -- A call's usage is stored with the first sample it answered (a request with `n` answers several).
  prompt_tokens      integer,
  completion_tokens  integer,
  cost_usd           double precision CHECK (cost_usd >= 0),
  provider_model     text,
  cache_hit          boolean NOT NULL DEFAULT false,
  updated_at         timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (execution_uid, x_uid, sample_index),
  CHECK ((score IS NULL) <> (error IS NULL)),
  CHECK ((error IS NULL) = (error_kind IS NULL))
);

-- Down Migration
DROP TABLE evaluator_samples;
ALTER TABLE evaluator_results DROP COLUMN confidence, DROP COLUMN expected_score, DROP COLUMN samples;
ALTER TABLE benchmark_executions DROP COLUMN samples, DROP COLUMN aggregation;
ALTER TABLE evaluator_executions DROP COLUMN samples, DROP COLUMN aggregation;
