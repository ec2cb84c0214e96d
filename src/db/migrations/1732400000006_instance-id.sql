-- Up Migration
-- This database's judgeflow instance: a random id that every Temporal workflow id of its executions and exports
-- carries (`evaluator-1-execution-1@3f9a2c1d`), so two databases that share one Temporal namespace never run, signal
-- or link to each other's workflows. One row, made with the schema.
CREATE TABLE judgeflow_instance (
  singleton   boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  instance_id text NOT NULL CHECK (instance_id ~ '^[0-9a-f]{8}$')
);
INSERT INTO judgeflow_instance (instance_id) VALUES (substr(md5(random()::text || clock_timestamp()::text), 1, 8));

-- Down Migration
DROP TABLE judgeflow_instance;
