-- Up Migration
-- Order-bias control: the order in which a row's labels are listed to the judge — shuffled per row by a seed from
-- the datapoint (the default of new executions), as the criteria lists them, or reversed — and the order each row
-- was shown. Executions recorded before keep the criteria's order.
ALTER TABLE evaluator_executions
  ADD COLUMN label_order text NOT NULL DEFAULT 'fixed' CHECK (label_order IN ('shuffled', 'fixed', 'reversed'));

ALTER TABLE benchmark_executions
  ADD COLUMN label_order text NOT NULL DEFAULT 'fixed' CHECK (label_order IN ('shuffled', 'fixed', 'reversed'));

-- The label scores in the order the judge saw them.
ALTER TABLE evaluator_results ADD COLUMN label_order integer[];

-- Down Migration
ALTER TABLE evaluator_results DROP COLUMN label_order;
ALTER TABLE benchmark_executions DROP COLUMN label_order;
ALTER TABLE evaluator_executions DROP COLUMN label_order;
