/**
 * What every use case needs from its caller: configuration and the database. Activities provide this; clients
 * provide more (client/context.ts).
 */
import type { Config } from '../../config';
import type { Db } from '../../db/pool';

export interface StorageContext {
  readonly config: Config;
  readonly db: Db;
}

/** What a client starts and finds workflows with: its database's instance id is part of every workflow id. */
export interface InstanceContext {
  /** This database's judgeflow instance id (src/db/instance.repository.ts). */
  readonly instanceId: string;
}
