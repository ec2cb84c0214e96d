/**
 * Starts `src/worker/main` as a child process and waits until it polls its task queue (`judgeflow dev`, demo and e2e
 * tests): the source through tsx in a clone, the compiled file in a package.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { JudgeflowError } from '../src/errors';
import { entryPointArgs } from '../src/layout';
import { WORKER_ENV, WORKER_NODE_ARGS } from '../src/worker/runtime';

export interface WorkerProcess {
  child: ChildProcess;
  pid: number;
  /** Everything it printed so far. */
  output(): string;
  /** SIGTERM: graceful shutdown. */
  stop(): Promise<void>;
  /** SIGKILL: no shutdown at all; in-flight activities are lost to this worker. */
  kill(): Promise<void>;
}

/** Node's arguments for a worker process (also `npm run cluster`'s); `nodeArgs` are extra Node options. */
export function workerArgs(nodeArgs: readonly string[] = []): string[] {
  return [...WORKER_NODE_ARGS, ...nodeArgs, ...entryPointArgs('src/worker/main')];
}

/** `nodeArgs`: extra Node options, e.g. `--cpu-prof` for `npm run bench -- --profile`. */
export async function spawnWorkerProcess(
  env: Record<string, string>,
  nodeArgs: readonly string[] = [],
): Promise<WorkerProcess> {
  const child = spawn(process.execPath, workerArgs(nodeArgs), {
    env: { ...process.env, ...WORKER_ENV, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<void>((resolve) =>
    child.once('exit', () => {
      resolve();
    }),
  );
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new JudgeflowError(`the worker did not start within 60 s:\n${output}`));
    }, 60_000);
    child.stdout.on('data', () => {
      if (output.includes('judgeflow worker:')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new JudgeflowError(`the worker exited (code ${code}) before starting:\n${output.trim()}`));
    });
  });
  const end = async (signal: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    await exited;
  };
  return { child, pid: child.pid!, output: () => output, stop: () => end('SIGTERM'), kill: () => end('SIGKILL') };
}
