/**
 * What set-up (scripts/setup.sh) prepares for a local run, done by `judgeflow dev` itself so that an installed
 * package, which has no set-up script, needs nothing more: the database of DATABASE_URL with its migrations, and a
 * local key for connector credentials when JUDGEFLOW_SECRET_KEY is unset. Both are no-ops when already done.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../src/config';
import { ensureDatabase, migrate } from '../src/db/migrate';
import { redactUrl } from '../src/db/pool';

export async function prepareLocalRun(
  config: Pick<Config, 'databaseUrl' | 'secretKey' | 'secretKeyFile'>,
  say: (line: string) => void,
): Promise<void> {
  const { created } = await ensureDatabase(config.databaseUrl);
  const ran = await migrate(config.databaseUrl);
  if (created || ran.length > 0)
    say(
      `• database ${redactUrl(config.databaseUrl)}${created ? ' created' : ''}` +
        (ran.length > 0 ? `; applied ${ran.join(', ')}` : ''),
    );
  if (config.secretKey === undefined && writeLocalSecretKey(config.secretKeyFile))
    say(`• generated a local secret key for connector credentials in ${config.secretKeyFile}`);
}

/** Writes a new random key (readable by this user only) unless the file exists; whether it wrote one. */
function writeLocalSecretKey(file: string): boolean {
  if (fs.existsSync(file)) return false;
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  try {
    fs.writeFileSync(file, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
    return true;
  } catch (err) {
    // Another `judgeflow dev` wrote it in between: keep that one.
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
}
