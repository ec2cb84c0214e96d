-- Up Migration
-- The whole judgeflow domain (see DESIGN.md). uids are integer identities; datapoint ids (x_uid) are text.

CREATE TABLE datasets (
  uid         integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name        text NOT NULL CHECK (name <> ''),
  -- user column names in their original order (CSV header order, or first-seen key order)
  columns     jsonb NOT NULL DEFAULT '[]'::jsonb CHECK (jsonb_typeof(columns) = 'array'),
  created_at  timestamptz NOT NULL DEFAULT now(),
  UNIQUE (name)
);

CREATE TABLE datapoints (
  dataset_uid integer NOT NULL REFERENCES datasets(uid) ON DELETE CASCADE,
  x_uid       text NOT NULL CHECK (x_uid <> ''),
  split       text NOT NULL CHECK (split <> ''),
  -- dataset order: the row's position in the imported file or array
  position    integer NOT NULL CHECK (position >= 0),
  data        jsonb NOT NULL CHECK (jsonb_typeof(data) = 'object'),
  PRIMARY KEY (dataset_uid, x_uid),
  UNIQUE (dataset_uid, position)
);
CREATE INDEX datapoints_split_order ON datapoints (dataset_uid, split, position);

CREATE TABLE benchmarks (
  uid          integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name         text NOT NULL CHECK (name <> ''),
  description  text NOT NULL DEFAULT '',
  dataset_uid  integer NOT NULL REFERENCES datasets(uid),
  created_at   timestamptz NOT NULL DEFAULT now(),
  UNIQUE (name),
  UNIQUE (uid, dataset_uid)
);

CREATE TABLE criteria (
  uid                 integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  benchmark_uid       integer NOT NULL REFERENCES benchmarks(uid) ON DELETE CASCADE,
  name                text NOT NULL CHECK (name <> ''),
  description         text NOT NULL DEFAULT '',
  requires_rationale  boolean NOT NULL DEFAULT true,
  created_at          timestamptz NOT NULL DEFAULT now(),
  UNIQUE (benchmark_uid, name)
);

CREATE TABLE criteria_labels (
  criteria_uid  integer NOT NULL REFERENCES criteria(uid) ON DELETE CASCADE,
  name          text NOT NULL CHECK (name <> ''),
  score         integer NOT NULL,
  description   text NOT NULL DEFAULT '',
  position      integer NOT NULL,
  PRIMARY KEY (criteria_uid, score),
  UNIQUE (criteria_uid, name)
);

-- One ground-truth label per (criteria, datapoint); the score must be one of the criteria's labels.
CREATE TABLE ground_truth (
  criteria_uid  integer NOT NULL,
  dataset_uid   integer NOT NULL,
  x_uid         text NOT NULL,
  score         integer NOT NULL,
  updated_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (criteria_uid, x_uid),
  FOREIGN KEY (criteria_uid, score) REFERENCES criteria_labels(criteria_uid, score),
  FOREIGN KEY (dataset_uid, x_uid) REFERENCES datapoints(dataset_uid, x_uid) ON DELETE CASCADE
);

CREATE TABLE slices (
  uid            integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  benchmark_uid  integer NOT NULL REFERENCES benchmarks(uid) ON DELETE CASCADE,
  name           text NOT NULL CHECK (name <> ''),
  description    text NOT NULL DEFAULT '',
  -- the column filter it was built from; NULL for an explicit x_uid list
  filter         jsonb,
  created_at     timestamptz NOT NULL DEFAULT now(),
  UNIQUE (benchmark_uid, name)
);

CREATE TABLE slice_members (
  slice_uid    integer NOT NULL REFERENCES slices(uid) ON DELETE CASCADE,
  dataset_uid  integer NOT NULL,
  x_uid        text NOT NULL,
  PRIMARY KEY (slice_uid, x_uid),
  FOREIGN KEY (dataset_uid, x_uid) REFERENCES datapoints(dataset_uid, x_uid) ON DELETE CASCADE
);
CREATE INDEX slice_members_by_datapoint ON slice_members (dataset_uid, x_uid);

CREATE TABLE prompt_workflows (
  uid         integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE prompt_versions (
  uid                  integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  prompt_workflow_uid  integer NOT NULL REFERENCES prompt_workflows(uid) ON DELETE CASCADE,
  name                 text NOT NULL CHECK (name <> ''),
  system_prompt        text,
  user_prompt          text,
  model_name           text NOT NULL CHECK (model_name <> ''),
  fm_hyperparameters   jsonb,
  created_at           timestamptz NOT NULL DEFAULT now(),
  UNIQUE (prompt_workflow_uid, name),
  CHECK (coalesce(system_prompt, '') <> '' OR coalesce(user_prompt, '') <> '')
);

-- Evaluators of every type; only 'prompt' evaluators have a prompt workflow.
CREATE TABLE evaluators (
  uid                  integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  type                 text NOT NULL CHECK (type IN ('prompt', 'code')),
  benchmark_uid        integer NOT NULL REFERENCES benchmarks(uid) ON DELETE CASCADE,
  criteria_uid         integer NOT NULL REFERENCES criteria(uid) ON DELETE CASCADE,
  name                 text NOT NULL DEFAULT '',
  prompt_workflow_uid  integer UNIQUE REFERENCES prompt_workflows(uid),
  created_at           timestamptz NOT NULL DEFAULT now(),
  CHECK ((type = 'prompt') = (prompt_workflow_uid IS NOT NULL))
);

CREATE TABLE benchmark_executions (
  uid            integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  benchmark_uid  integer NOT NULL REFERENCES benchmarks(uid) ON DELETE CASCADE,
  name           text NOT NULL,
  created_by     text NOT NULL,
  splits         text[] NOT NULL,
  num_rows       integer CHECK (num_rows > 0),
  concurrency    integer NOT NULL CHECK (concurrency > 0),
  status         text NOT NULL DEFAULT 'running'
                 CHECK (status IN ('running', 'completed', 'failed', 'cancelled')),
  error          text,
  -- agreement with ground truth per evaluator and slice, computed when the execution ends
  summary        jsonb,
  created_at     timestamptz NOT NULL DEFAULT now(),
  finished_at    timestamptz,
  UNIQUE (benchmark_uid, name)
);

CREATE TABLE evaluator_executions (
  uid                      integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  evaluator_uid            integer NOT NULL REFERENCES evaluators(uid) ON DELETE CASCADE,
  prompt_version_uid       integer NOT NULL REFERENCES prompt_versions(uid),
  benchmark_execution_uid  integer REFERENCES benchmark_executions(uid) ON DELETE CASCADE,
  split                    text NOT NULL,
  num_rows                 integer CHECK (num_rows > 0),
  concurrency              integer NOT NULL CHECK (concurrency > 0),
  total_rows               integer NOT NULL CHECK (total_rows >= 0),
  -- dataset position of the last row included (first num_rows rows of the split), fixed at start
  last_position            integer,
  status                   text NOT NULL DEFAULT 'running'
                           CHECK (status IN ('running', 'completed', 'failed', 'cancelled')),
  error                    text,
  created_at               timestamptz NOT NULL DEFAULT now(),
  finished_at              timestamptz
);
CREATE INDEX evaluator_executions_by_evaluator ON evaluator_executions (evaluator_uid, created_at, uid);

-- One result per (execution, datapoint): a score (with rationale) or an error recorded for that row.
CREATE TABLE evaluator_results (
  execution_uid      integer NOT NULL REFERENCES evaluator_executions(uid) ON DELETE CASCADE,
  x_uid              text NOT NULL,
  score              integer,
  rationale          text,
  error              text,
  prompt_tokens      integer,
  completion_tokens  integer,
  latency_ms         integer,
  attempts           integer NOT NULL DEFAULT 1,
  updated_at         timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (execution_uid, x_uid),
  CHECK ((score IS NULL) <> (error IS NULL))
);

CREATE TABLE connector_configs (
  uid          integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name         text NOT NULL UNIQUE CHECK (name <> ''),
  type         text NOT NULL CHECK (type IN ('s3', 'gcs')),
  -- credentials, encrypted with JUDGEFLOW_SECRET_KEY; never returned by the SDK
  credentials  bytea NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE exports (
  uid                      integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  benchmark_execution_uid  integer NOT NULL REFERENCES benchmark_executions(uid) ON DELETE CASCADE,
  destination              text NOT NULL,
  format                   text NOT NULL CHECK (format IN ('json', 'csv')),
  options                  jsonb NOT NULL DEFAULT '{}'::jsonb,
  connector_config_uid     integer REFERENCES connector_configs(uid),
  status                   text NOT NULL DEFAULT 'running'
                           CHECK (status IN ('running', 'completed', 'failed', 'cancelled')),
  rows_written             integer NOT NULL DEFAULT 0,
  error                    text,
  created_at               timestamptz NOT NULL DEFAULT now(),
  finished_at              timestamptz
);

-- Down Migration
DROP TABLE exports, connector_configs, evaluator_results, evaluator_executions, benchmark_executions,
  evaluators, prompt_versions, prompt_workflows, slice_members, slices, ground_truth, criteria_labels,
  criteria, benchmarks, datapoints, datasets;
