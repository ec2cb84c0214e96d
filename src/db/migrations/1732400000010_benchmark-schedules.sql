-- Up Migration
-- `judgeflow schedule create`: a Temporal Schedule that runs a benchmark and gates the run. PostgreSQL keeps what the
-- schedule runs and how it is gated (the Temporal Schedule names only this uid), and every run's outcome, so the
-- history stays after the schedule is deleted.
CREATE TABLE benchmark_schedules (
  uid             integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  benchmark_uid   integer NOT NULL REFERENCES benchmarks(uid) ON DELETE CASCADE,
  -- When it runs, as given: {"cron": "0 3 * * *"} or {"every": "1h"}.
  spec            jsonb NOT NULL CHECK (jsonb_typeof(spec) = 'object'),
  -- The benchmark execution's options (splits, numRows, concurrency, evaluatorUids, budget, cache).
  execute_options jsonb NOT NULL CHECK (jsonb_typeof(execute_options) = 'object'),
  -- The gate's thresholds; {} when the runs are not gated.
  gate            jsonb NOT NULL CHECK (jsonb_typeof(gate) = 'object'),
  -- What the regression check compares with: the last passing run of this schedule, a fixed execution, or nothing.
  baseline        text NOT NULL CHECK (baseline IN ('last-passing', 'fixed', 'none')),
  baseline_uid    integer REFERENCES benchmark_executions(uid) ON DELETE SET NULL,
  created_by      text NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now(),
  deleted_at      timestamptz
);

CREATE TABLE schedule_runs (
  uid                     integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  schedule_uid            integer NOT NULL REFERENCES benchmark_schedules(uid) ON DELETE CASCADE,
  -- The scheduled workflow's id: a retried activity finds the run it already recorded.
  workflow_id             text NOT NULL UNIQUE,
  benchmark_execution_uid integer REFERENCES benchmark_executions(uid) ON DELETE SET NULL,
  gate_uid                integer REFERENCES gate_results(uid) ON DELETE SET NULL,
  -- null while running, and for a run without a gate.
  passed                  boolean,
  -- Why the run did not pass or was not gated (its execution failed, no baseline yet, …).
  note                    text,
  started_at              timestamptz NOT NULL DEFAULT now(),
  ended_at                timestamptz
);
CREATE INDEX schedule_runs_by_schedule ON schedule_runs (schedule_uid, uid);

-- Down Migration
DROP TABLE schedule_runs;
DROP TABLE benchmark_schedules;
