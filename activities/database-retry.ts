/**
 * Retries a PostgreSQL write inside the activity while the database is unreachable, so an answer already paid
 * for is stored once the database is back instead of being bought again by a retried activity.
 */
import type { Context } from '@temporalio/activity';
import { isDatabaseUnavailable } from '../src/db/errors';

/** Longest wait inside one activity before giving the work back to Temporal (row activities may run 5 minutes). */
const GIVE_UP_AFTER_MS = 3 * 60_000;

export async function retryWhileDatabaseUnavailable<T>(activity: Context, work: () => Promise<T>): Promise<T> {
  const started = Date.now();
  for (let tries = 1; ; tries++) {
    try {
      return await work();
    } catch (err) {
      if (!isDatabaseUnavailable(err) || Date.now() - started > GIVE_UP_AFTER_MS) throw err;
      activity.log.warn('PostgreSQL is unavailable; retrying the write', { tries, error: (err as Error).message });
      // The activity keeps heartbeating meanwhile; a cancellation ends the wait.
      await activity.sleep(Math.min(5_000, 250 * 2 ** Math.min(tries - 1, 5)));
    }
  }
}
