/**
 * Stored credentials for private s3:// and gs:// export destinations (reference: `connector_config_uid` of
 * `BenchmarkExecution.export`). Credentials are encrypted at rest with JUDGEFLOW_SECRET_KEY and never returned:
 * a connector config shows its type, options and a masked hint only.
 */
import { requireUid } from '../errors';
import { Judgeflow } from './Judgeflow';
import type { ConnectorConfigRecord } from '../services/client/connector-configs';
import {
  createConnectorConfig,
  deleteConnectorConfig,
  listConnectorConfigs,
  requireConnectorConfig,
  type CreateConnectorConfigParams,
} from '../services/client/connector-configs';

export class ConnectorConfig {
  readonly connectorConfigUid: number;
  readonly name: string;
  readonly type: 's3' | 'gcs';
  /** Non-secret settings: S3 `region`, `endpoint`, `forcePathStyle`; GCS `apiEndpoint`, `projectId`. */
  readonly options: Record<string, unknown>;
  /** Tells configs apart without revealing a secret: an access key's first characters, or a client email. */
  readonly credentialsHint: string;
  readonly createdAt: Date;

  /** The client this object was read with: a true private field, so no way of printing the object shows it. */
  readonly #client: Judgeflow;

  private constructor(client: Judgeflow, record: ConnectorConfigRecord) {
    this.#client = client;
    this.connectorConfigUid = record.uid;
    this.name = record.name;
    this.type = record.type;
    this.options = record.options;
    this.credentialsHint = record.credentialsHint;
    this.createdAt = record.createdAt;
  }

  static async create(params: CreateConnectorConfigParams, client?: Judgeflow): Promise<ConnectorConfig> {
    const jf = Judgeflow.resolve(client);
    return new ConnectorConfig(jf, await createConnectorConfig(jf, params));
  }

  static async get(connectorConfigUid: number, client?: Judgeflow): Promise<ConnectorConfig> {
    requireUid('connectorConfigUid', connectorConfigUid);
    const jf = Judgeflow.resolve(client);
    return new ConnectorConfig(jf, await requireConnectorConfig(jf, connectorConfigUid));
  }

  static async list(client?: Judgeflow): Promise<ConnectorConfig[]> {
    const jf = Judgeflow.resolve(client);
    return (await listConnectorConfigs(jf)).map((r) => new ConnectorConfig(jf, r));
  }

  /** Deletes it; refused (ConnectorConfigInUseError) while an export using it runs. */
  static async delete(connectorConfigUid: number, client?: Judgeflow): Promise<void> {
    requireUid('connectorConfigUid', connectorConfigUid);
    await deleteConnectorConfig(Judgeflow.resolve(client), connectorConfigUid);
  }

  delete(): Promise<void> {
    return deleteConnectorConfig(this.#client, this.connectorConfigUid);
  }

  /** What `JSON.stringify` shows: the fields above, never a secret (the client is a private field). */
  toJSON() {
    const { connectorConfigUid, name, type, options, credentialsHint, createdAt } = this;
    return { connectorConfigUid, name, type, options, credentialsHint, createdAt };
  }
}
