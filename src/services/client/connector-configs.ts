/**
 * Connector configs: stored credentials for private s3:// and gs:// export destinations. Credentials are encrypted
 * before they reach PostgreSQL and decrypted only on the worker (worker/connector-secrets.ts), by the export
 * activity.
 */
import { JudgeflowError, NotFoundError, requireNonEmptyString } from '../../errors';
import {
  deleteUnusedConnectorConfig,
  findConnectorConfig,
  insertConnectorConfig,
  listConnectorConfigs as listConnectorConfigRecords,
  type ConnectorConfigRecord,
} from '../../db/connector-config.repository';
import { credentialsHint, validateConnectorSpec } from '../../connectors/connector-spec';
import { loadSecretKey, sealSecret } from '../../connectors/secret-box';
import type { StorageContext } from '../common/context';

export type { ConnectorConfigRecord } from '../../db/connector-config.repository';

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
