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
