/**
 * The installable package (docs/packaging.md) as a user gets it: `npm pack` in this clone, `npm install -g` into a
 * temporary prefix (once per run: the install takes a minute or two), then, from a directory outside the clone and
 * with a home of its own: `judgeflow --help`, `judgeflow migrate` on a new database, `judgeflow dev` (its own Temporal
 * dev server, the local judge server and a worker) with a short execution through the command line, and `judgeflow
 * worker`; Ctrl-C during `judgeflow dev`'s start-up leaves nothing running. Nothing runs TypeScript: the package holds
 * no tsx, and no process loads it (test/support/loaded-packages.mjs preloaded through NODE_OPTIONS into the command and
 * the worker it starts).
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { dropDatabase } from '../../src/db/migrate';
import { startJudgeServer, type JudgeServer } from '../../tools/judge-server';
import { freePort } from '../../tools/ports';
import { processAlive, stopProcess } from '../../tools/processes';
import { processesWithEnv } from '../support/processes';
import { waitUntil } from '../support/results';

const execFileAsync = promisify(execFile);
const root = path.resolve(import.meta.dirname, '../..');
const probe = path.join(root, 'test/support/loaded-packages.mjs');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'judgeflow-package-'));
const prefix = path.join(dir, 'prefix');
const home = path.join(dir, 'home');
/** Where the commands run: outside the clone. */
const work = path.join(dir, 'work');
const installed = path.join(prefix, 'lib', 'node_modules', 'judgeflow');
const databaseUrl = `${inject('databaseUrl')}_package`;
let tarball: string;
/** The packages installed with judgeflow (its node_modules, nested ones included). */
let installedPackages: string[];
let judge: JudgeServer;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The environment of a user who installed the package: its bin/ on PATH, a home of their own, no model key. */
function userEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  // Not the developer's model endpoint, key, data directory or Node options (the tests give their own).
  const unset = new Set([
    'OPENAI_API_KEY',
    'OPENAI_BASE_URL',
    'JUDGEFLOW_SECRET_KEY',
    'JUDGEFLOW_DATA_DIR',
    'NODE_OPTIONS',
  ]);
  return {
    ...Object.fromEntries(Object.entries(process.env).filter(([name]) => !unset.has(name))),
    PATH: `${path.join(prefix, 'bin')}${path.delimiter}${process.env.PATH ?? ''}`,
    HOME: home,
    XDG_DATA_HOME: path.join(home, '.local', 'share'),
    XDG_CACHE_HOME: path.join(home, '.cache'),
    DATABASE_URL: databaseUrl,
    TEMPORAL_CLI: inject('temporalCli'),
    ...extra,
  };
}

async function run(file: string, args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv; timeout: number }) {
  try {
    const { stdout, stderr } = await execFileAsync(file, args, { ...options, maxBuffer: 64 * 2 ** 20 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number | null; stdout: string; stderr: string };
    return { code: typeof e.code === 'number' ? e.code : null, stdout: e.stdout, stderr: e.stderr };
  }
}

/** `judgeflow …` as the user types it (the installed command on PATH). */
const judgeflow = (args: string[], env: Record<string, string> = {}): Promise<Run> =>
  run('judgeflow', args, { cwd: work, env: userEnv(env), timeout: 120_000 });

async function ok(args: string[], env: Record<string, string> = {}): Promise<Run> {
  const r = await judgeflow(args, env);
  expect(r.code, `judgeflow ${args.join(' ')}\n${r.stderr}`).toBe(0);
  return r;
}
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const json = async (args: string[], env: Record<string, string> = {}): Promise<any> =>
  JSON.parse((await ok(['--json', ...args], env)).stdout);

/** A long-running command; `output()` is what it printed so far. */
function spawnJudgeflow(args: string[], env: Record<string, string>) {
  const child: ChildProcess = spawn('judgeflow', args, {
    cwd: work,
    env: userEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  // 'close': once its output is read to the end too (the probe's line comes at its exit).
  const exited = new Promise<number | null>((resolve) => child.once('close', resolve));
  return { child, exited, output: () => ({ stdout, stderr }) };
}

/** Everything a long-running command printed, for the message of a failed expectation. */
const printed = (p: { output(): { stdout: string; stderr: string } }): string =>
  `stdout:\n${p.output().stdout}\nstderr:\n${p.output().stderr}`;

/** Every package directory under a node_modules tree (scoped ones as `@scope/name`), nested ones included. */
function packagesUnder(nodeModules: string): string[] {
  if (!fs.existsSync(nodeModules)) return [];
  return fs.readdirSync(nodeModules).flatMap((entry) => {
    if (entry.startsWith('.')) return [];
    const names = entry.startsWith('@')
      ? fs.readdirSync(path.join(nodeModules, entry)).map((n) => `${entry}/${n}`)
      : [entry];
    return names.flatMap((name) => [name, ...packagesUnder(path.join(nodeModules, name, 'node_modules'))]);
  });
}

/** The packages each process reported at exit (one `loaded-packages [...]` line per process). */
const loadedByProcess = (stderr: string): string[][] =>
  stderr
    .split('\n')
    .filter((l) => l.startsWith('loaded-packages '))
    .map((l) => JSON.parse(l.slice('loaded-packages '.length)) as string[]);

beforeAll(async () => {
  for (const d of [prefix, home, work]) fs.mkdirSync(d, { recursive: true });
  // prepack compiles dist/ and builds the workflow bundle; npm's own cache makes the install a local one.
  const packed = await run('npm', ['pack', '--pack-destination', dir, '--loglevel=error'], {
    cwd: root,
    timeout: 600_000,
  });
  expect(packed.code, packed.stderr).toBe(0);
  tarball = path.join(dir, packed.stdout.trim().split('\n').pop()!);
  const install = await run(
    'npm',
    ['install', '-g', '--prefix', prefix, tarball, '--no-audit', '--no-fund', '--loglevel=error'],
    { cwd: work, timeout: 600_000 },
  );
  expect(install.code, install.stderr).toBe(0);
  installedPackages = packagesUnder(path.join(installed, 'node_modules'));
  judge = await startJudgeServer();
}, 1_200_000);

afterAll(async () => {
  // A dev server a failed `judgeflow dev` test left behind (its pid file is in the user's data directory).
  const pidFile = path.join(home, '.local', 'share', 'judgeflow', 'temporal.pid');
  const pid = fs.existsSync(pidFile) ? Number(fs.readFileSync(pidFile, 'utf8')) : undefined;
  if (pid && processAlive(pid) && fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('start-dev'))
    await stopProcess(pid);
  await judge?.close();
  await dropDatabase(databaseUrl).catch(() => {});
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('the package from npm pack', () => {
  it('holds the compiled code, the migrations and the workflow bundle, and no sources, tests, CI or secrets', async () => {
    const files = (await run('tar', ['-tzf', tarball], { cwd: dir, timeout: 60_000 })).stdout.trim().split('\n');
    expect(files).toEqual(
      expect.arrayContaining([
        'package/package.json',
        'package/npm-shrinkwrap.json',
        'package/bin/judgeflow.mjs',
        'package/dist/src/cli.js',
        'package/dist/src/index.js',
        'package/dist/src/index.d.ts',
        'package/dist/src/worker/main.js',
        'package/dist/scripts/dev.js',
        'package/dist/scripts/install-temporal.sh',
        'package/dist/src/db/migrations/1732400000000_schema.sql',
        'package/dist/examples/data/support-answers.csv',
      ]),
    );
    expect(files.filter((f) => /^package\/dist\/workflow-bundles\/workflow-bundle-\w+\.js$/.test(f))).toHaveLength(1);
    const unwanted = files.filter(
      (f) =>
        /^package\/(src|test|tools|scripts|workflows|activities|\.ci|\.data|\.git|node_modules)\//.test(f) ||
        /(?<!\.d)\.ts$/.test(f) ||
        /(^|\/)(\.env[^/]*|secret\.key|[^/]*\.pem)$/.test(f) ||
        /^package\/dist\/test\//.test(f),
    );
    expect(unwanted).toEqual([]);
  });

  it('installs without tsx, TypeScript or a bundler of TypeScript', () => {
    expect(installedPackages).toEqual(expect.arrayContaining(['commander', 'pg', '@temporalio/worker']));
    expect(installedPackages.filter((p) => ['tsx', 'typescript', 'esbuild', 'vitest'].includes(p))).toEqual([]);
  });

  it('judgeflow --help answers from outside the clone', async () => {
    const help = await ok(['--help']);
    expect(help.stdout).toMatch(/^Usage: judgeflow /);
    for (const command of ['dataset', 'benchmark', 'worker', 'dev', 'migrate']) expect(help.stdout).toContain(command);
  });

  it("a project that installs it imports the SDK by the package's name", async () => {
    const project = path.join(dir, 'project');
    fs.mkdirSync(path.join(project, 'node_modules'), { recursive: true });
    fs.symlinkSync(installed, path.join(project, 'node_modules', 'judgeflow'));
    const script =
      "const { Judgeflow, Dataset } = await import('judgeflow'); console.log(typeof Judgeflow.connect, typeof Dataset.fromCsv);";
    const r = await run(process.execPath, ['--input-type=module', '-e', script], {
      cwd: project,
      env: userEnv(),
      timeout: 60_000,
    });
    expect(r, r.stderr).toMatchObject({ code: 0, stdout: 'function function\n' });
    expect(fs.existsSync(path.join(installed, 'dist', 'src', 'index.d.ts'))).toBe(true);
  });

  it('judgeflow migrate creates the database and applies the migrations it ships, once', async () => {
    await dropDatabase(databaseUrl);
    const first = await ok(['migrate']);
    expect(first.stderr).toMatch(/database \S+ created; applied 1732400000000_schema, /);
    const again = await ok(['migrate']);
    expect(again.stderr).toMatch(/migrations up to date/);
  });

  it('judgeflow dev runs the dev server, the local judge and a worker; an execution through the CLI completes', async () => {
    const env = {
      TEMPORAL_ADDRESS: `127.0.0.1:${await freePort()}`,
      TEMPORAL_UI_PORT: String(await freePort()),
      TEMPORAL_TASK_QUEUE: `package-dev-${process.pid}`,
      NODE_OPTIONS: `--import ${probe}`,
    };
    const dev = spawnJudgeflow(['dev'], env);
    let code: number | null;
    try {
      await waitUntil(
        'judgeflow dev is ready',
        () => dev.output().stdout.includes('judgeflow is ready') || dev.child.exitCode !== null,
        120_000,
      );
      const { stdout } = dev.output();
      expect(stdout, printed(dev)).toContain('judgeflow is ready');
      expect(stdout).toContain(`started the Temporal dev server at ${env.TEMPORAL_ADDRESS}`);
      // Its state is in the user's data directory, not in the package.
      expect(stdout).toContain(path.join(home, '.local', 'share', 'judgeflow', 'temporal.db'));
      expect(stdout).toMatch(/generated a local secret key for connector credentials in \S+\/judgeflow\/secret\.key/);
      const csv = /An example dataset to import: (\S+)/.exec(stdout)![1]!;
      expect(csv.startsWith(installed)).toBe(true);

      const { evaluatorUid } = await defineEvaluator(csv, 'dev', env);
      const done = await json(
        ['evaluator', 'execute', String(evaluatorUid), '--split', 'dev', '--sync', '--wait'],
        env,
      );
      expect(done).toMatchObject({ status: 'completed' });
      const status = await json(['execution', 'status', String(done.executionUid)], env);
      expect(status).toMatchObject({ status: 'completed', total: 15, done: 15, errors: 0 });
    } finally {
      dev.child.kill('SIGINT');
      code = await dev.exited;
    }
    // Checked here, not in `finally`, where a failure would hide the one that came first.
    expect(code, printed(dev)).toBe(0);
    expect(dev.output().stdout).toMatch(/stopped the Temporal dev server \(pid \d+\)/);
    // The command and scripts/dev.js (which connected a Temporal client): neither loaded tsx.
    const processes = loadedByProcess(dev.output().stderr);
    expect(
      processes.some((p) => p.includes('@temporalio/client')),
      dev.output().stderr,
    ).toBe(true);
    expect(processes.filter((p) => p.includes('tsx') || p.includes('esbuild'))).toEqual([]);
  });

  it('judgeflow worker runs the compiled worker with the bundle built at pack time, without tsx', async () => {
    const env = {
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      TEMPORAL_TASK_QUEUE: `package-worker-${process.pid}`,
      OPENAI_BASE_URL: judge.url,
      OPENAI_API_KEY: 'local',
      NODE_OPTIONS: `--import ${probe}`,
    };
    const worker = spawnJudgeflow(['worker'], env);
    let code: number | null;
    try {
      await waitUntil(
        'the worker polls',
        () => worker.output().stdout.includes('judgeflow worker:') || worker.child.exitCode !== null,
        60_000,
      );
      expect(worker.output().stdout, worker.output().stderr).toContain(`task queue "${env.TEMPORAL_TASK_QUEUE}"`);
      const [evaluator] = await json(['evaluator', 'list', '--benchmark', '1'], env);
      const done = await json(
        ['evaluator', 'execute', String(evaluator.evaluatorUid), '--split', 'test', '--sync'],
        env,
      );
      expect(done).toMatchObject({ status: 'completed' });
    } finally {
      worker.child.kill('SIGTERM');
      code = await worker.exited;
    }
    expect(code, printed(worker)).toBe(0);
    expect(worker.output().stdout).toContain('judgeflow worker stopped');
    // The bundle shipped in dist/ was the one for this SDK: nothing was bundled into the user's cache.
    expect(fs.existsSync(path.join(home, '.cache', 'judgeflow', 'workflow-bundles'))).toBe(false);
    // The command and the worker process it started: neither loaded tsx.
    const processes = loadedByProcess(worker.output().stderr);
    expect(
      processes.some((p) => p.includes('@temporalio/worker')),
      worker.output().stderr,
    ).toBe(true);
    expect(processes.filter((p) => p.includes('tsx') || p.includes('esbuild'))).toEqual([]);
  });

  it('Ctrl-C while judgeflow dev is starting stops what it had started and leaves nothing running', async () => {
    const env = {
      TEMPORAL_ADDRESS: `127.0.0.1:${await freePort()}`,
      TEMPORAL_UI_PORT: String(await freePort()),
      // Unique to this test: the worker it starts is found by it.
      TEMPORAL_TASK_QUEUE: `package-dev-interrupted-${process.pid}`,
    };
    const dev = spawnJudgeflow(['dev'], env);
    let code: number | null;
    try {
      // The dev server is up; the local judge and the worker are next.
      await waitUntil(
        'judgeflow dev started the dev server',
        () => dev.output().stdout.includes('started the Temporal dev server') || dev.child.exitCode !== null,
        120_000,
      );
    } finally {
      dev.child.kill('SIGINT');
      code = await dev.exited;
    }
    const { stdout } = dev.output();
    expect(code, printed(dev)).toBe(0);
    expect(stdout).not.toContain('judgeflow is ready');
    expect(stdout).toContain('stopped during start-up');
    const pid = Number(/stopped the Temporal dev server \(pid (\d+)\)/.exec(stdout)?.[1]);
    expect(processAlive(pid), printed(dev)).toBe(false);
    expect(processesWithEnv('TEMPORAL_TASK_QUEUE', env.TEMPORAL_TASK_QUEUE)).toEqual([]);
  });
});

/** The README's walkthrough in short: the example data, a benchmark, a criteria with ground truth, an evaluator. */
async function defineEvaluator(csv: string, name: string, env: Record<string, string>) {
  const dataset = await json(['dataset', 'import', csv, '--name', `support ${name}`], env);
  const benchmark = await json(
    ['benchmark', 'create', '--dataset', String(dataset.datasetUid), '--name', `quality ${name}`],
    env,
  );
  const criteria = await json(
    [
      'criteria',
      'create',
      '--benchmark',
      String(benchmark.benchmarkUid),
      '--name',
      'helpfulness',
      '--label',
      'unhelpful=0',
      '--label',
      'partly helpful=1',
      '--label',
      'helpful=2',
    ],
    env,
  );
  await ok(['criteria', 'ground-truth', String(criteria.criteriaUid), '--column', 'helpfulness'], env);
  return json(
    [
      'evaluator',
      'create',
      '--criteria',
      String(criteria.criteriaUid),
      '--model',
      'local-judge',
      '--name',
      'judge',
      '--user-prompt',
      'Q: {{question}} A: {{response}}',
    ],
    env,
  );
}
