/**
 * Starts `src/worker/main` as a child process and waits until it polls its task queue (`judgeflow dev`, demo and e2e
 * tests): the source through tsx in a clone, the compiled file in a package. The child has an IPC channel to this
 * process and stops gracefully when it closes, so a worker never outlives whatever started it (even a SIGKILL).
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

export interface SpawnWorkerOptions {
  /** Extra Node options, e.g. `--cpu-prof` for `npm run bench -- --profile`. */
  nodeArgs?: readonly string[];
  /** Stops the worker and rejects with the signal's reason when it fires before the worker polls (Ctrl-C). */
  signal?: AbortSignal;
}

export async function spawnWorkerProcess(
  env: Record<string, string>,
  options: SpawnWorkerOptions = {},
): Promise<WorkerProcess> {
  const child = spawn(process.execPath, workerArgs(options.nodeArgs), {
    env: { ...process.env, ...WORKER_ENV, ...env },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  // The channel is only there to close when this process ends: it must not keep this process alive.
  child.channel?.unref();
  // Piped above (the 'ipc' entry hides that from spawn's types).
  const stdout = child.stdout!;
  let output = '';
  stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<void>((resolve) =>
    child.once('exit', () => {
      resolve();
    }),
  );
  const end = async (signal: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    await exited;
  };
  const { signal } = options;
  const onAbort = () => {
    void end('SIGTERM');
  };
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new JudgeflowError(`the worker did not start within 60 s:\n${output}`));
      }, 60_000);
      stdout.on('data', () => {
        if (output.includes('judgeflow worker:')) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(
          signal?.aborted
            ? (signal.reason as Error)
            : new JudgeflowError(`the worker exited (code ${code}) before starting:\n${output.trim()}`),
        );
      });
      if (signal?.aborted) onAbort();
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
  return { child, pid: child.pid!, output: () => output, stop: () => end('SIGTERM'), kill: () => end('SIGKILL') };
}
