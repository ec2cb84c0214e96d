/** The one database module: a pooled connection, `$n`-parameter queries and transactions. */
import pg from 'pg';
import { UnavailableError } from '../errors';

/** Anything that runs a `$n`-parameter query: the Db, or a client inside a transaction. */
export interface Queryable {
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(text: string, values?: unknown[]): Promise<pg.QueryResult<R>>;
}

export interface Db extends Queryable {
  readonly pool: pg.Pool;
  /** Runs `fn` in one transaction on one checked-out client: COMMIT on success, ROLLBACK on any error. */
  withTransaction<T>(fn: (client: pg.PoolClient) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

// BIGINT counts and NUMERIC come back as strings by default; our uids and counts fit in a JS number.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));

export function createDb(connectionString: string, options: { max?: number } = {}): Db {
  const pool = new pg.Pool({ connectionString, max: options.max ?? 10 });
  // An idle client that errors (e.g. the server restarted) must not crash the process.
  pool.on('error', () => {});
  return {
    pool,
    query: (text, values) => pool.query(text, values),
    async withTransaction(fn) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await fn(client);
        await client.query('COMMIT');
        return result;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => {});
        throw err;
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
}

/** Connection errors (refused, unknown host, bad database) as one clear UnavailableError. */
export function describeDbError(err: unknown, connectionString: string): Error {
  const code = (err as { code?: string }).code;
  const where = redactUrl(connectionString);
  if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'ETIMEDOUT') {
    return new UnavailableError('PostgreSQL', where, 'start PostgreSQL or set DATABASE_URL', { cause: err });
  }
  if (code === '3D000') {
    return new UnavailableError('PostgreSQL database', where, 'run `npm run setup` to create and migrate it', {
      cause: err,
    });
  }
  if (code === '28P01' || code === '28000') {
    return new UnavailableError(
      'PostgreSQL',
      where,
      'authentication failed; check the user and password in DATABASE_URL',
      { cause: err },
    );
  }
  return err instanceof Error ? err : new Error(String(err));
}

/** The URL without its password, for messages and logs. */
export function redactUrl(connectionString: string): string {
  try {
    const url = new URL(connectionString);
    if (url.password) url.password = '***';
    return url.toString();
  } catch {
    return '<unparseable DATABASE_URL>';
  }
}
