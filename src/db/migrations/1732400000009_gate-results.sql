-- Up Migration
-- Every `judgeflow gate` (or `execution.gate()`) outcome: what was asked (thresholds, baseline), what each check
-- found, the verdict, who asked and when; the report lists them beside the execution they judged.
CREATE TABLE gate_results (
  uid                     integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  benchmark_execution_uid integer NOT NULL REFERENCES benchmark_executions(uid) ON DELETE CASCADE,
  baseline_uid            integer REFERENCES benchmark_executions(uid) ON DELETE SET NULL,
  thresholds              jsonb NOT NULL CHECK (jsonb_typeof(thresholds) = 'object'),
  checks                  jsonb NOT NULL CHECK (jsonb_typeof(checks) = 'array'),
  passed                  boolean NOT NULL,
  created_by              text NOT NULL,
  created_at              timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX gate_results_by_execution ON gate_results (benchmark_execution_uid, uid);

-- Down Migration
DROP TABLE gate_results;
