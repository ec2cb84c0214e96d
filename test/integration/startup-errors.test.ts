/** Unreachable services and missing tools give one clear line and exit code 1, not a stack trace. */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, inject, it } from 'vitest';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '../..');

async function runCommand(file: string, args: string[], env: Record<string, string | undefined>) {
  try {
    await run(file, args, { cwd: root, env: { ...process.env, ...env }, timeout: 60_000 });
    return { code: 0, lines: [] as string[] };
  } catch (err) {
    const e = err as { code: number; stderr: string };
    return { code: e.code, lines: e.stderr.split('\n').filter((l) => l.trim() && !l.startsWith('npm warn')) };
  }
}
const tsx = (script: string, env: Record<string, string | undefined>) =>
  runCommand(process.execPath, ['--import', 'tsx', script], env);

describe('start-up faults', () => {
  it('PostgreSQL unreachable: set-up says where and what to do', async () => {
    const r = await tsx('scripts/setup-db.ts', { DATABASE_URL: 'postgres://postgres:secret@127.0.0.1:1/judgeflow' });
    expect(r.code).toBe(1);
    expect(r.lines).toEqual([
      'error: PostgreSQL is not reachable at postgres://postgres:***@127.0.0.1:1/judgeflow: start PostgreSQL or set DATABASE_URL',
    ]);
  });

  it('Temporal unreachable: the worker says where and what to do', async () => {
    const r = await tsx('src/worker/main.ts', { DATABASE_URL: inject('databaseUrl'), TEMPORAL_ADDRESS: '127.0.0.1:1' });
    expect(r.code).toBe(1);
    expect(r.lines).toEqual([
      'error: Temporal is not reachable at 127.0.0.1:1: start the dev server with `npm run temporal`, or set TEMPORAL_ADDRESS',
    ]);
  });

  it('a missing database: the worker points to set-up', async () => {
    const url = new URL(inject('databaseUrl'));
    url.pathname = '/judgeflow_missing_database';
    const r = await tsx('src/worker/main.ts', { DATABASE_URL: url.toString() });
    expect(r.code).toBe(1);
    expect(r.lines).toEqual([
      `error: PostgreSQL database is not reachable at ${url.toString()}: run \`npm run setup\` to create and migrate it`,
    ]);
  });

  it('Go missing and no Temporal CLI: the installer says what to install', async () => {
    const emptyCache = fs.mkdtempSync(path.join(os.tmpdir(), 'judgeflow-no-cli-'));
    try {
      const r = await runCommand('bash', ['scripts/install-temporal.sh'], {
        TEMPORAL_CLI: undefined,
        XDG_CACHE_HOME: emptyCache,
        PATH: '/usr/bin:/bin',
      });
      expect(r.code).toBe(1);
      expect(r.lines[0]).toBe('The Temporal CLI is not installed and Go is not available to build it.');
      expect(r.lines.join(' ')).toMatch(/Install Go 1\.24 or later .* TEMPORAL_CLI=/);
    } finally {
      fs.rmSync(emptyCache, { recursive: true, force: true });
    }
  });

  it('a bad configuration value names the variable', async () => {
    const r = await tsx('scripts/setup-db.ts', { JUDGEFLOW_CONCURRENCY: 'many' });
    expect(r.code).toBe(1);
    expect(r.lines).toHaveLength(1);
    expect(r.lines[0]).toMatch(/^error: environment variable JUDGEFLOW_CONCURRENCY="many" is invalid/);
  });
});
