/**
 * What client-side use cases need: configuration, the database and (for starting or reading workflows) a
 * Temporal client. The SDK's `Judgeflow` client provides all three.
 */
import type { Client } from '@temporalio/client';
import type { Config } from '../../config';
import { createDb, describeDbError, redactUrl } from '../../db/pool';
import { connectClient } from '../../temporal/connection';
import { findInstanceId } from '../../db/instance.repository';
import type { InstanceContext, StorageContext } from '../common/context';

export type { StorageContext } from '../common/context';

export interface ServiceContext extends StorageContext, InstanceContext {
  /** The Temporal client, connected on first use. */
  temporal(): Promise<Client>;
}

/**
 * The database of a client in direct mode and its instance id, read in the one round trip that checks the
 * connection (an unreachable database says how to fix it).
 */
export async function connectDatabase(config: Config): Promise<{ db: StorageContext['db']; instanceId: string }> {
  const db = createDb(config.databaseUrl);
  try {
    return { db, instanceId: await findInstanceId(db) };
  } catch (err) {
    await db.close().catch(() => {});
    throw describeDbError(err, config.databaseUrl);
  }
}

/** The Temporal client of a client in direct mode. */
export function connectTemporal(config: Config): Promise<Client> {
  return connectClient(config.temporal);
}

/** What a client is connected to, with no secret in it (the database password masked, no key): for printing it. */
export function describeConnections(config: Config) {
  const { address, namespace, taskQueue } = config.temporal;
  return { database: redactUrl(config.databaseUrl), temporal: { address, namespace, taskQueue } };
}
