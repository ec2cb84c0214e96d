-- Up Migration
-- Deleting datapoints checks ground_truth's foreign key by (dataset_uid, x_uid): without this index every deleted
-- datapoint scanned the whole table.
CREATE INDEX ground_truth_by_datapoint ON ground_truth (dataset_uid, x_uid);

-- Down Migration
DROP INDEX ground_truth_by_datapoint;
