-- Up Migration
-- An execution may cover chosen datapoints of its split only (escalation re-judges the uncertain rows of another
-- execution; a user may re-judge a handful): their x_uids, NULL for every row of the split.
ALTER TABLE evaluator_executions ADD COLUMN x_uids text[];

-- Rows a reviewer should look at, with why (escalation flags the rows the stronger judge decided differently).
CREATE TABLE review_flags (
  execution_uid integer NOT NULL REFERENCES evaluator_executions(uid) ON DELETE CASCADE,
  x_uid         text NOT NULL,
  reason        text NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (execution_uid, x_uid)
);

-- Down Migration
DROP TABLE review_flags;
ALTER TABLE evaluator_executions DROP COLUMN x_uids;
