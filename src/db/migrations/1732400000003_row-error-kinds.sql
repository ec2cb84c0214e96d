-- Up Migration
-- Every row error says which kind it is (see src/shared/row-errors.ts); older errors are classified by message.
ALTER TABLE evaluator_results ADD COLUMN error_kind text;
UPDATE evaluator_results SET error_kind = CASE
    WHEN error LIKE 'the model''s answer is not a score%' OR error LIKE '%without the rationale%' THEN 'unparseable'
    WHEN error LIKE 'the model answered score%' THEN 'out_of_range'
    WHEN error LIKE 'rate limited%' THEN 'rate_limited'
    WHEN error ILIKE '%timed out%' OR error ILIKE '%timeout%' THEN 'timeout'
    WHEN error LIKE 'the row has no value for template variable%' THEN 'unrenderable'
    ELSE 'provider'
  END
  WHERE error IS NOT NULL;
ALTER TABLE evaluator_results ADD CONSTRAINT evaluator_results_error_kind_check CHECK (
  (error IS NULL) = (error_kind IS NULL)
  AND (error_kind IS NULL OR error_kind IN
    ('unparseable', 'out_of_range', 'refusal', 'timeout', 'provider', 'rate_limited', 'unrenderable'))
);

-- Down Migration
ALTER TABLE evaluator_results DROP CONSTRAINT evaluator_results_error_kind_check, DROP COLUMN error_kind;
