-- Up Migration
-- Whether an export may replace a file that exists at its local destination (`overwrite: true`, `--force`). The
-- worker checks it when it writes, so a direct start of the export workflow cannot replace a file either.
ALTER TABLE exports ADD COLUMN overwrite boolean NOT NULL DEFAULT false;

-- Down Migration
ALTER TABLE exports DROP COLUMN overwrite;
