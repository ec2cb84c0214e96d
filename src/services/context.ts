/**
 * What the use cases need from their caller: configuration, the database and (for starting or reading
 * workflows) a Temporal client. The SDK's `Judgeflow` client provides all three; activities provide the first two.
 */
import type { Client } from '@temporalio/client';
import type { Config } from '../config';
import type { Db } from '../db/pool';

export interface StorageContext {
  readonly config: Config;
  readonly db: Db;
}

export interface ServiceContext extends StorageContext {
  /** The Temporal client, connected on first use. */
  temporal(): Promise<Client>;
}
