/**
 * Connector configs: stored credentials for private s3:// and gs:// export destinations. Credentials are encrypted
 * before they reach PostgreSQL and decrypted only by `openConnector`, which only the export activity calls.
 */
import { JudgeflowError, NotFoundError, requireNonEmptyString } from '../errors';
import {
  deleteUnusedConnectorConfig,
  findConnectorConfig,
  findSealedCredentials,
  insertConnectorConfig,
  listConnectorConfigs as listConnectorConfigRecords,
  type ConnectorConfigRecord,
} from '../db/connector-config.repository';
import { credentialsHint, validateConnectorSpec, type ConnectorSpec } from '../connectors/connector-spec';
import { loadSecretKey, openSecret, sealSecret } from '../connectors/secret-box';
import type { StorageContext } from './context';

export interface CreateConnectorConfigParams {
  name: string;
  type: 's3' | 'gcs';
  /** S3: `{ accessKeyId, secretAccessKey, sessionToken? }`; GCS: a service-account JSON key (object or text). */
  credentials: unknown;
  /** S3: `{ region?, endpoint?, forcePathStyle? }`; GCS: `{ apiEndpoint?, projectId? }`. */
  options?: Record<string, unknown>;
}

/** A connector config that a running export still uses. */
export class ConnectorConfigInUseError extends JudgeflowError {
  constructor(
    readonly connectorConfigUid: number,
    readonly exportUids: number[],
  ) {
    super(
      `connector config ${connectorConfigUid} is used by running export(s) ${exportUids.join(', ')}; ` +
        'wait for them to finish (or cancel them), then delete it',
    );
  }
}

export async function createConnectorConfig(
  ctx: StorageContext,
  p: CreateConnectorConfigParams,
): Promise<ConnectorConfigRecord> {
  requireNonEmptyString('connector config name', p.name);
  const spec = validateConnectorSpec(p.type, p.credentials, p.options);
  const sealed = sealSecret(JSON.stringify(spec.credentials), loadSecretKey(ctx.config));
  const uid = await insertConnectorConfig(ctx.db, {
    name: p.name,
    type: spec.type,
    options: { ...spec.options },
    credentials: sealed,
    credentialsHint: credentialsHint(spec),
  });
  return requireConnectorConfig(ctx, uid);
}

export async function requireConnectorConfig(ctx: StorageContext, uid: number): Promise<ConnectorConfigRecord> {
  const record = await findConnectorConfig(ctx.db, uid);
  if (!record) throw new NotFoundError('connector config', uid);
  return record;
}

export function listConnectorConfigs(ctx: StorageContext): Promise<ConnectorConfigRecord[]> {
  return listConnectorConfigRecords(ctx.db);
}

/** Deletes a connector config; refused while a running export uses it. Exports that used it keep their record. */
export async function deleteConnectorConfig(ctx: StorageContext, uid: number): Promise<void> {
  await requireConnectorConfig(ctx, uid);
  const { deleted, runningExports } = await deleteUnusedConnectorConfig(ctx.db, uid);
  if (runningExports.length) throw new ConnectorConfigInUseError(uid, runningExports);
  if (!deleted) throw new NotFoundError('connector config', uid);
}

/** The decrypted connector: for the export activity only (secrets never leave the worker). */
export async function openConnector(ctx: StorageContext, uid: number): Promise<ConnectorSpec> {
  const record = await requireConnectorConfig(ctx, uid);
  const sealed = await findSealedCredentials(ctx.db, uid);
  if (!sealed) throw new NotFoundError('connector config', uid);
  const credentials = JSON.parse(
    openSecret(sealed, loadSecretKey(ctx.config), `the credentials of connector config ${uid}`),
  ) as unknown;
  return validateConnectorSpec(record.type, credentials, record.options);
}
