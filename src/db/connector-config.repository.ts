/** Connector configs: encrypted credentials (never returned with the record) and their non-secret options. */
import type { Queryable } from './pool';
import { DuplicateError } from '../errors';
import { UNIQUE_VIOLATION, sqlState } from './errors';

export interface ConnectorConfigRecord {
  uid: number;
  name: string;
  type: 's3' | 'gcs';
  options: Record<string, unknown>;
  credentialsHint: string;
  createdAt: Date;
}

const selectConnectorConfig = `
  SELECT uid, name, type, options, credentials_hint AS "credentialsHint", created_at AS "createdAt" FROM connector_configs`;

export async function insertConnectorConfig(
  q: Queryable,
  c: {
    name: string;
    type: 's3' | 'gcs';
    options: Record<string, unknown>;
    credentials: Buffer;
    credentialsHint: string;
  },
): Promise<number> {
  try {
    const { rows } = await q.query<{ uid: number }>(
      `INSERT INTO connector_configs (name, type, options, credentials, credentials_hint)
       VALUES ($1, $2, $3, $4, $5) RETURNING uid`,
      [c.name, c.type, JSON.stringify(c.options), c.credentials, c.credentialsHint],
    );
    return rows[0]!.uid;
  } catch (err) {
    if (sqlState(err) === UNIQUE_VIOLATION) throw new DuplicateError('connector config', c.name);
    throw err;
  }
}

export async function findConnectorConfig(q: Queryable, uid: number): Promise<ConnectorConfigRecord | undefined> {
  return (await q.query<ConnectorConfigRecord>(`${selectConnectorConfig} WHERE uid = $1`, [uid])).rows[0];
}

export async function listConnectorConfigs(q: Queryable): Promise<ConnectorConfigRecord[]> {
  return (await q.query<ConnectorConfigRecord>(`${selectConnectorConfig} ORDER BY uid`)).rows;
}

/** The sealed credentials (see src/connectors/secret-box.ts); only the export activity asks for them. */
export async function findSealedCredentials(q: Queryable, uid: number): Promise<Buffer | undefined> {
  const { rows } = await q.query<{ credentials: Buffer }>(`SELECT credentials FROM connector_configs WHERE uid = $1`, [
    uid,
  ]);
  return rows[0]?.credentials;
}

/** Deletes the connector config unless a running export uses it; returns whether it was deleted and why not. */
export async function deleteUnusedConnectorConfig(
  q: Queryable,
  uid: number,
): Promise<{ deleted: boolean; runningExports: number[] }> {
  const { rows } = await q.query<{ uid: number }>(
    `SELECT uid FROM exports WHERE connector_config_uid = $1 AND status = 'running' ORDER BY uid`,
    [uid],
  );
  if (rows.length) return { deleted: false, runningExports: rows.map((r) => r.uid) };
  const { rowCount } = await q.query(
    `DELETE FROM connector_configs c WHERE c.uid = $1
        AND NOT EXISTS (SELECT 1 FROM exports e WHERE e.connector_config_uid = c.uid AND e.status = 'running')`,
    [uid],
  );
  return { deleted: (rowCount ?? 0) > 0, runningExports: [] };
}
