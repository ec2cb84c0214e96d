-- Up Migration
-- A benchmark execution may run some of its benchmark's prompt evaluators (`benchmark execute --evaluator`): the
-- ones it runs, recorded where it starts so the plan made later on a worker (and any retry of it) runs the same
-- ones. NULL means every prompt evaluator of the benchmark, as before.
ALTER TABLE benchmark_executions ADD COLUMN evaluator_uids integer[];

-- Down Migration
ALTER TABLE benchmark_executions DROP COLUMN evaluator_uids;
