/** Creates the database in DATABASE_URL when missing and applies pending migrations; one clear line on failure. */
import { loadConfig } from '../src/config';
import { ensureDatabase, migrate } from '../src/db/migrate';
import { redactUrl } from '../src/db/pool';
import { runMain } from '../src/run-main';

await runMain(async () => {
  const { databaseUrl } = loadConfig();
  const { created } = await ensureDatabase(databaseUrl);
  const ran = await migrate(databaseUrl);
  if (!process.env.JUDGEFLOW_QUIET_SETUP) {
    const what = ran.length ? `applied ${ran.join(', ')}` : 'migrations up to date';
    console.error(`setup: database ${redactUrl(databaseUrl)}${created ? ' created' : ''}; ${what}`);
  }
});
