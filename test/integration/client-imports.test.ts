/**
 * The client never loads the worker: importing the SDK and using it load @temporalio/client but never
 * @temporalio/worker (which costs every CLI call about 0.4 s and 15 MB). A CLI command that only reads PostgreSQL
 * loads no Temporal SDK at all (it is loaded when a connection is made: about half of a read's start-up), nor the
 * model or storage clients. The dependency rules say the same of the import graph (.dependency-cruiser.cjs); this
 * checks the running process.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, inject, it } from 'vitest';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '../..');
const probe = path.join(root, 'test/support/loaded-packages.mjs');
/** What a command that only reads never needs: the Temporal SDK (with gRPC), the model client, storage clients. */
const HEAVY = /^(@temporalio\/|@grpc\/|openai$|@aws-sdk\/|@google-cloud\/)/;

/** The packages a Node process loaded, as the probe reports them at exit. */
async function loadedPackages(args: string[]): Promise<string[]> {
  const env = { ...process.env, DATABASE_URL: inject('databaseUrl'), TEMPORAL_ADDRESS: inject('temporalAddress') };
  const { stderr } = await run(process.execPath, ['--import', 'tsx', '--import', probe, ...args], {
    cwd: root,
    env,
    timeout: 60_000,
  }).catch((err: unknown) => err as { stderr: string });
  const line = stderr.split('\n').find((l) => l.startsWith('loaded-packages '));
  if (!line) throw new Error(`the probe reported nothing:\n${stderr}`);
  return JSON.parse(line.slice('loaded-packages '.length)) as string[];
}

describe('the client never loads @temporalio/worker', () => {
  it('the probe sees the worker package when something loads it', async () => {
    expect(await loadedPackages(['-e', "await import('./src/worker/create-worker.ts')"])).toContain(
      '@temporalio/worker',
    );
  });

  it('importing the SDK and using it', async () => {
    const script = [
      "const { Judgeflow, Benchmark, Dataset } = await import('./src/index.ts');",
      'const jf = await Judgeflow.connect();',
      'await Benchmark.list(jf); await Dataset.list(jf);',
      'await jf.temporal();',
      'await jf.close();',
    ].join(' ');
    const loaded = await loadedPackages(['-e', script]);
    expect(loaded).toContain('@temporalio/client');
    expect(loaded).not.toContain('@temporalio/worker');
  });

  it.each([
    ['benchmark', 'list'],
    ['dataset', 'list'],
    ['connector', 'list'],
    ['execution', 'status', '999999'],
    ['benchmark', 'executions', '999999'],
  ])('judgeflow %s %s loads no Temporal SDK, model client or storage client', async (...command) => {
    const loaded = await loadedPackages([path.join(root, 'src/cli.ts'), ...command]);
    // What it does need: the probe sees packages loaded as ES modules (commander) and as CommonJS (pg).
    expect(loaded).toEqual(expect.arrayContaining(['commander', 'pg']));
    expect(loaded.filter((p) => HEAVY.test(p))).toEqual([]);
  });
});
