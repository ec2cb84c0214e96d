/** Starts `src/worker.ts` as a child process and waits until it polls its task queue. */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { JudgeflowError } from '../src/errors';

const root = path.resolve(import.meta.dirname, '..');

export interface WorkerProcessHandle {
  pid: number;
  stop(): Promise<void>;
}

export async function spawnWorkerProcess(env: Record<string, string>): Promise<WorkerProcessHandle> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'src/worker.ts')], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new JudgeflowError(`the worker did not start within 60 s:\n${output}`)), 60_000);
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
  return {
    pid: child.pid!,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
