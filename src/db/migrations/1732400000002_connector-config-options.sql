-- Up Migration
-- Connector configs keep their non-secret options (region, endpoint, …) and a masked hint of the credentials beside
-- the encrypted credentials; deleting one keeps the history of the exports that used it.
ALTER TABLE connector_configs
  ADD COLUMN options jsonb NOT NULL DEFAULT '{}'::jsonb,
  ADD COLUMN credentials_hint text NOT NULL DEFAULT '';
ALTER TABLE exports DROP CONSTRAINT exports_connector_config_uid_fkey,
  ADD CONSTRAINT exports_connector_config_uid_fkey FOREIGN KEY (connector_config_uid)
    REFERENCES connector_configs(uid) ON DELETE SET NULL;
CREATE INDEX exports_by_connector_config ON exports (connector_config_uid) WHERE connector_config_uid IS NOT NULL;

-- Down Migration
DROP INDEX exports_by_connector_config;
ALTER TABLE exports DROP CONSTRAINT exports_connector_config_uid_fkey,
  ADD CONSTRAINT exports_connector_config_uid_fkey FOREIGN KEY (connector_config_uid) REFERENCES connector_configs(uid);
ALTER TABLE connector_configs DROP COLUMN credentials_hint, DROP COLUMN options;
