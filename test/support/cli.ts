/** Runs the judgeflow command line as a user would (a child process), against the run's PostgreSQL and Temporal. */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { expect, inject } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');

export interface CliRun {
  /** Exit code (null when killed). */
  code: number | null;
  stdout: string;
  stderr: string;
  /** Wall time in ms. */
  ms: number;
}

const cliArgs = (args: string[]) => ['--import', 'tsx', path.join(root, 'src/cli.ts'), ...args];
const cliEnv = (taskQueue: string, env: Record<string, string>) => ({
  ...process.env,
  DATABASE_URL: inject('databaseUrl'),
  TEMPORAL_ADDRESS: inject('temporalAddress'),
  TEMPORAL_TASK_QUEUE: taskQueue,
  ...env,
});

export function runCli(taskQueue: string, args: string[], env: Record<string, string> = {}): Promise<CliRun> {
  const started = Date.now();
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      cliArgs(args),
      { cwd: root, timeout: 90_000, env: cliEnv(taskQueue, env) },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : null) : 0;
        resolve({ code, stdout, stderr, ms: Date.now() - started });
      },
    );
  });
}

/** A running command (to signal it while it runs); `output()` is what it printed so far, `exited` its end. */
export function spawnCli(taskQueue: string, args: string[], env: Record<string, string> = {}) {
  const child: ChildProcess = spawn(process.execPath, cliArgs(args), {
    cwd: root,
    env: cliEnv(taskQueue, env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      resolve(code);
    }),
  );
  return { child, exited, output: () => ({ stdout, stderr }) };
}

/**
 * A running command on a terminal of `columns` columns: util-linux `script` gives it a pseudo-terminal (stdout and
 * stderr both), whose output, escape sequences and all, is `output()`; `exited` is its end (all output read).
 */
export function spawnCliInTerminal(
  taskQueue: string,
  args: string[],
  options: { columns: number; env?: Record<string, string> },
) {
  const quote = (s: string) => `'${s.replaceAll("'", "'\\''")}'`;
  const command = `stty cols ${options.columns} rows 24; exec ${[process.execPath, ...cliArgs(args)].map(quote).join(' ')}`;
  const child = spawn('script', ['--quiet', '--return', '--command', command, '/dev/null'], {
    cwd: root,
    env: cliEnv(taskQueue, options.env ?? {}),
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) =>
    child.once('close', (code) => {
      resolve(code);
    }),
  );
  return { child, exited, output: () => output };
}

/** Runs a command on a terminal (see spawnCliInTerminal) to its end; `stdout` is all the terminal showed. */
export async function runCliInTerminal(
  taskQueue: string,
  args: string[],
  options: { columns: number; env?: Record<string, string> },
): Promise<CliRun> {
  const started = Date.now();
  const run = spawnCliInTerminal(taskQueue, args, options);
  const code = await run.exited;
  return { code, stdout: run.output(), stderr: '', ms: Date.now() - started };
}

/** What a terminal shows of `output`, line by line and redraw by redraw: escape sequences removed, split at \r and \n. */
export function terminalLines(output: string): string[] {
  // Moving the cursor to the first column (cli-progress redraws with ESC[1G) starts a redraw, as \r does.
  // eslint-disable-next-line no-control-regex
  const plain = output.replace(/\x1b\[1?G/g, '\r').replace(/\x1b\[[0-9;?]*[A-Za-z]|\x1b[78]/g, '');
  return plain.split(/\r\n|\r|\n/);
}

/**
 * The command line of a test file on `taskQueue`: `cli` runs a command, `ok` one that must succeed (its stderr in the
 * failure), `json` one with --json, parsed.
 */
export function cliOn(taskQueue: () => string) {
  const cli = (...args: string[]) => runCli(taskQueue(), args);
  async function ok(...args: string[]): Promise<CliRun> {
    const r = await cli(...args);
    expect(r.code, `${args.join(' ')}\n${r.stderr}`).toBe(0);
    return r;
  }
  // Printed JSON is read like a parsed export file: field access without a declared type per command.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const json = async <T = any>(...args: string[]): Promise<T> => JSON.parse((await ok('--json', ...args)).stdout) as T;
  return { cli, ok, json };
}
