/** Every way of starting a worker applies the same runtime settings (src/worker/runtime.ts). */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { WORKER_ENV, WORKER_NODE_ARGS } from '../../src/worker/runtime';

const root = path.resolve(import.meta.dirname, '../..');
const read = (file: string) => fs.readFileSync(path.join(root, file), 'utf8');

describe('worker runtime settings', () => {
  it('npm run worker passes the Node options and the environment', () => {
    const script = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts.worker!;
    for (const arg of WORKER_NODE_ARGS) expect(script).toContain(` ${arg} `);
    for (const [k, v] of Object.entries(WORKER_ENV)) expect(script).toContain(`${k}=${v} `);
  });

  it('the Dockerfile starts the worker the same way', () => {
    const dockerfile = read('Dockerfile');
    const cmd = /^CMD (.+)$/m.exec(dockerfile)?.[1];
    expect(JSON.parse(cmd!)).toEqual(['node', ...WORKER_NODE_ARGS, 'dist/src/worker/main.js']);
    for (const [k, v] of Object.entries(WORKER_ENV)) expect(dockerfile).toMatch(new RegExp(`^ENV ${k}=${v}$`, 'm'));
  });

  it('the process starters (tests, demo, bench, cluster) apply them', () => {
    expect(read('tools/worker-process.ts')).toMatch(/\.\.\.WORKER_NODE_ARGS[\s\S]*\.\.\.WORKER_ENV/);
    // The cluster starts its workers with the same arguments (workerArgs) and environment.
    expect(read('tools/cluster.ts')).toMatch(/workerArgs\(\), \{\s*\.\.\.WORKER_ENV/);
  });

  it("the command line's `judgeflow worker` starts its worker process with them", () => {
    expect(read('src/cli/outputs.ts')).toMatch(/runChild\(\[\.\.\.WORKER_NODE_ARGS, [^\]]*\], WORKER_ENV\)/);
  });
});
