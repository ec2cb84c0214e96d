/** A connector config's credentials, decrypted: for the export activity only (secrets never leave the worker). */
import { findConnectorConfig, findSealedCredentials } from '../../db/connector-config.repository';
import { NotFoundError } from '../../errors';
import { validateConnectorSpec, type ConnectorSpec } from '../../connectors/connector-spec';
import { loadSecretKey, openSecret } from '../../connectors/secret-box';
import type { StorageContext } from '../common/context';

export async function openConnector(ctx: StorageContext, uid: number): Promise<ConnectorSpec> {
  const record = await findConnectorConfig(ctx.db, uid);
  const sealed = await findSealedCredentials(ctx.db, uid);
  if (!record || !sealed) throw new NotFoundError('connector config', uid);
  const credentials = JSON.parse(
    openSecret(sealed, loadSecretKey(ctx.config), `the credentials of connector config ${uid}`),
  ) as unknown;
  return validateConnectorSpec(record.type, credentials, record.options);
}
