/**
 * The README's command-line walkthrough, verbatim, right after `npm run demo`: the demo runs for real first (on its
 * own database), then every command of the README's block runs through `bash` as written — `npx judgeflow` is this
 * checkout's CLI — on a fresh database with a worker, and the output the README shows under a command (its `#`
 * lines) is what the command prints.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { dropDatabase, ensureDatabase, migrate } from '../../src/db/migrate';
import { demoDatabaseUrl } from '../../tools/local-stack';
import { startJudgedClient, type JudgedClient } from '../support/judged-client';

const root = path.resolve(import.meta.dirname, '../..');
const walkthroughDb = (() => {
  const url = new URL(inject('databaseUrl'));
  url.pathname = `${url.pathname}_walkthrough`;
  return url.toString();
})();
let dir: string;
let stack: JudgedClient;

interface Step {
  command: string;
  /** The README's `#` lines under the command: output it prints. */
  shows: string[];
}

/** The commands of the README's walkthrough block, continuation lines joined, each with the output shown under it. */
function walkthroughSteps(): Step[] {
  const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
  const start = readme.indexOf('```sh\n', readme.indexOf('A walkthrough with the demo'));
  const block = readme.slice(start + '```sh\n'.length, readme.indexOf('\n```', start));
  const steps: Step[] = [];
  for (const line of block.replace(/\\\n\s*/g, '').split('\n')) {
    if (line.startsWith('#')) steps.at(-1)?.shows.push(line.replace(/^#\s*/, ''));
    else if (line.trim()) steps.push({ command: line.replace(/\s+#\s.*$/, ''), shows: [] });
  }
  return steps;
}

function bash(command: string, env: Record<string, string>): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile('bash', ['-c', command], { cwd: dir, env: { ...process.env, ...env }, timeout: 120_000 }, (err, o, e) => {
      resolve({ code: err ? Number(err.code ?? 1) : 0, out: `${o}${e}` });
    });
  });
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'judgeflow-readme-'));
  // `npx judgeflow` runs this checkout's bin/ entry, as in a clone; the README's relative paths resolve as there.
  fs.mkdirSync(path.join(dir, 'bin'));
  fs.writeFileSync(
    path.join(dir, 'bin', 'npx'),
    `#!/bin/sh\n[ "$1" = judgeflow ] || exit 127\nshift\nexec "${process.execPath}" "${path.join(root, 'bin/judgeflow.mjs')}" "$@"\n`,
    { mode: 0o755 },
  );
  fs.symlinkSync(path.join(root, 'examples'), path.join(dir, 'examples'));
  for (const url of [walkthroughDb, demoDatabaseUrl(walkthroughDb)]) await dropDatabase(url);
  await ensureDatabase(walkthroughDb);
  await migrate(walkthroughDb);
  stack = await startJudgedClient(`readme-walkthrough-${process.pid}`, { databaseUrl: walkthroughDb });
});

afterAll(async () => {
  await stack?.stop();
  for (const url of [walkthroughDb, demoDatabaseUrl(walkthroughDb)]) await dropDatabase(url);
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('the README walkthrough', () => {
  it('works as written right after the demo', async () => {
    const env = {
      DATABASE_URL: walkthroughDb,
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      PATH: `${path.join(dir, 'bin')}:${process.env.PATH}`,
      OPENAI_API_KEY: '',
    };
    const demo = await bash(`cd "${root}" && "${process.execPath}" --import tsx scripts/demo.ts`, env);
    expect(demo.code, demo.out).toBe(0);
    expect(demo.out).toContain('npx judgeflow benchmark list');
    // The demo's agreement comes with its intervals, and says in words what 23 labelled rows cannot tell.
    expect(demo.out).toMatch(/accuracy 0\.\d\d \[0\.\d\d, 0\.\d\d\]/);
    expect(demo.out).toMatch(/Cohen's kappa -?\d\.\d\d \[-?\d\.\d\d, -?\d\.\d\d\]/);
    expect(demo.out).toMatch(/note: too few labelled rows to tell/);

    const steps = walkthroughSteps();
    expect(steps.length).toBeGreaterThan(10);
    for (const { command, shows } of steps) {
      const run = await bash(command, { ...env, TEMPORAL_TASK_QUEUE: stack.jf.config.temporal.taskQueue });
      expect(run.code, `${command}\n${run.out}`).toBe(0);
      // A progress bar's figures change from run to run; every other line shown is printed as shown.
      for (const line of shows.filter((l) => !l.includes('rows/s'))) expect(run.out, command).toContain(line);
    }
    expect(fs.existsSync(path.join(dir, 'report.html'))).toBe(true);
    expect(fs.readFileSync(path.join(dir, 'results.csv'), 'utf8').split('\n')[0]).toMatch(/^x_uid,/);
  }, 600_000);
});
