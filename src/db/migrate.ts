/** Creates the database when missing and runs the migrations (node-pg-migrate, SQL files). Re-runnable. */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { runner } from 'node-pg-migrate';
import { ConfigError } from '../errors';
import { describeDbError } from './pool';

export const MIGRATIONS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');

/** Creates the database named in `connectionString` if it does not exist (connecting to `postgres`). */
export async function ensureDatabase(connectionString: string): Promise<{ created: boolean }> {
  const url = new URL(connectionString);
  const name = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (!/^[A-Za-z0-9_]+$/.test(name)) {
    throw new ConfigError(
      `database name ${JSON.stringify(name)} in DATABASE_URL must be letters, digits and underscores`,
    );
  }
  url.pathname = '/postgres';
  const admin = new pg.Client({ connectionString: url.toString() });
  try {
    await admin.connect();
  } catch (err) {
    throw describeDbError(err, connectionString);
  }
  try {
    const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (rowCount) return { created: false };
    try {
      await admin.query(`CREATE DATABASE "${name}"`);
    } catch (err) {
      // Another set-up created it between our check and CREATE: fine.
      if ((err as { code?: string }).code !== '42P04') throw err;
    }
    return { created: true };
  } finally {
    await admin.end();
  }
}

/** Applies pending migrations; returns the names it ran (empty when up to date). */
export async function migrate(connectionString: string): Promise<string[]> {
  const ran = await runner({
    databaseUrl: connectionString,
    dir: MIGRATIONS_DIR,
    direction: 'up',
    migrationsTable: 'pgmigrations',
    checkOrder: true,
    log: () => {},
  });
  return ran.map((m) => m.name);
}

/** Drops a database (tests only). */
export async function dropDatabase(connectionString: string): Promise<void> {
  const url = new URL(connectionString);
  const name = decodeURIComponent(url.pathname.replace(/^\//, ''));
  url.pathname = '/postgres';
  const admin = new pg.Client({ connectionString: url.toString() });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}
