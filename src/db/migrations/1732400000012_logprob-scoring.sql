-- Up Migration
-- Logprob scoring: an execution may score a row by the judge's probability distribution over the label scores (read
-- from the answer's token logprobs) instead of its one answer; without logprobs from the model it fails, or falls
-- back to samples when asked to. The row keeps the distribution and its entropy (its expected score and the
-- probability of its verdict go to expected_score and confidence).
ALTER TABLE evaluator_executions
  ADD COLUMN scoring text NOT NULL DEFAULT 'answer' CHECK (scoring IN ('answer', 'logprobs')),
  ADD COLUMN scoring_fallback text CHECK (scoring_fallback IN ('samples'));

ALTER TABLE benchmark_executions
  ADD COLUMN scoring text NOT NULL DEFAULT 'answer' CHECK (scoring IN ('answer', 'logprobs')),
  ADD COLUMN scoring_fallback text CHECK (scoring_fallback IN ('samples'));

ALTER TABLE evaluator_results
  -- {"<score>": probability, …} over the criteria's label scores, summing to 1; json keeps the writers' order.
  ADD COLUMN distribution json,
  ADD COLUMN entropy double precision CHECK (entropy >= 0);

-- Down Migration
ALTER TABLE evaluator_results DROP COLUMN distribution, DROP COLUMN entropy;
ALTER TABLE benchmark_executions DROP COLUMN scoring, DROP COLUMN scoring_fallback;
ALTER TABLE evaluator_executions DROP COLUMN scoring, DROP COLUMN scoring_fallback;
