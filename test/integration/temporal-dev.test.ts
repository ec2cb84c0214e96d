/** `npm run temporal` (scripts/temporal-dev.ts): start, no-op when running, stop; one clear line when the port is taken. */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { freePort } from '../../tools/ports';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '../..');
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'judgeflow-temporal-dev-'));

async function temporalDev(env: Record<string, string>, ...args: string[]) {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', 'scripts/temporal-dev.ts', ...args], {
      cwd: root,
      env: { ...process.env, JUDGEFLOW_DATA_DIR: dataDir, TEMPORAL_CLI: inject('temporalCli'), ...env },
      timeout: 90_000,
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

afterAll(() => {
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('npm run temporal', () => {
  it('starts the dev server with its state on disk, is a no-op when it runs, and stops it', async () => {
    const env = { TEMPORAL_ADDRESS: `127.0.0.1:${await freePort()}`, TEMPORAL_UI_PORT: String(await freePort()) };
    const first = await temporalDev(env);
    try {
      expect(first.stdout).toMatch(/Temporal dev server running at 127\.0\.0\.1:\d+/);
      expect(first.stdout).toMatch(new RegExp(`Web UI: http://localhost:${env.TEMPORAL_UI_PORT}`));
      expect(fs.existsSync(path.join(dataDir, 'temporal.db'))).toBe(true);
      const second = await temporalDev(env);
      expect(second).toMatchObject({ code: 0 });
      expect(second.stdout).toMatch(/already running/);
    } finally {
      const stop = await temporalDev(env, 'stop');
      expect(stop.stdout).toMatch(/stopped the Temporal dev server/);
    }
  });

  it('says in one line that the port is taken by something else, without a stack trace', async () => {
    const blocker = net.createServer((socket) => {
      socket.on('error', () => {}); // the probe hangs up abruptly
      socket.end('HTTP/1.1 400 Bad Request\r\n\r\n');
    });
    await new Promise<void>((resolve) =>
      blocker.listen(0, '127.0.0.1', () => {
        resolve();
      }),
    );
    const { port } = blocker.address() as net.AddressInfo;
    try {
      const result = await temporalDev({ TEMPORAL_ADDRESS: `127.0.0.1:${port}` });
      expect(result.code).toBe(1);
      const lines = result.stderr.split('\n').filter((l) => l.trim() && !l.includes('npm warn'));
      expect(lines).toEqual([
        `error: port ${port} is in use by a program that is not a Temporal server; stop it or set TEMPORAL_ADDRESS=127.0.0.1:<free port>`,
      ]);
    } finally {
      blocker.close();
    }
  });
});
