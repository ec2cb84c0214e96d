/**
 * A worker started by a supervisor (`judgeflow dev`, the demo, tests: tools/worker-process.ts) never outlives it: the
 * worker stops when its IPC channel closes, also when the supervisor is killed with no chance to stop it.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { processAlive } from '../../tools/processes';
import { processesWithEnv } from '../support/processes';
import { waitUntil } from '../support/results';

const root = path.resolve(import.meta.dirname, '../..');

describe('a supervised worker', () => {
  it('stops when the process that started it is killed', async () => {
    const taskQueue = `worker-supervision-${process.pid}`;
    const supervisor = spawn(process.execPath, ['--import', 'tsx', 'test/support/supervise-worker.ts'], {
      cwd: root,
      env: {
        ...process.env,
        DATABASE_URL: inject('databaseUrl'),
        TEMPORAL_ADDRESS: inject('temporalAddress'),
        TEMPORAL_TASK_QUEUE: taskQueue,
        OPENAI_BASE_URL: 'http://127.0.0.1:9/v1',
        OPENAI_API_KEY: 'unused',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    supervisor.stdout.on('data', (d: Buffer) => (output += d.toString()));
    supervisor.stderr.on('data', (d: Buffer) => (output += d.toString()));
    try {
      await waitUntil('the worker polls', () => /worker \d+/.test(output) || supervisor.exitCode !== null, 90_000);
      const pid = Number(/worker (\d+)/.exec(output)?.[1]);
      expect(processAlive(pid), output).toBe(true);
      expect(processesWithEnv('TEMPORAL_TASK_QUEUE', taskQueue)).toEqual(expect.arrayContaining([pid]));

      supervisor.kill('SIGKILL');
      await waitUntil('the worker has stopped', () => !processAlive(pid), 30_000);
      expect(processesWithEnv('TEMPORAL_TASK_QUEUE', taskQueue)).toEqual([]);
    } finally {
      supervisor.kill('SIGKILL');
      // Nothing of this test is left running, even when it failed.
      for (const pid of processesWithEnv('TEMPORAL_TASK_QUEUE', taskQueue)) process.kill(pid, 'SIGKILL');
    }
  });
});
