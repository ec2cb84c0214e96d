/**
 * `watch`: follows an execution to its end — plain progress lines when not a terminal, the final status as JSON —
 * and Ctrl-C (SIGINT) detaches without stopping the execution, saying how to re-attach or cancel.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Judgeflow } from '../../src';
import { runCli, runCliInTerminal, spawnCli, terminalLines } from '../support/cli';
import { createEvaluatorFixture } from '../support/fixtures';
import { startJudgedClient, type JudgedClient } from '../support/judged-client';
import { waitUntil } from '../support/results';

let stack: JudgedClient;
let jf: Judgeflow;

beforeAll(async () => {
  stack = await startJudgedClient(`cli-watch-${process.pid}`);
  jf = stack.jf;
});

afterAll(async () => {
  await stack?.stop();
});

it('follows an execution to its end with plain progress lines, then prints the final status', async () => {
  const f = await createEvaluatorFixture(jf, { rows: 30, modelName: 'local-judge:latency=200' });
  const uid = await f.evaluator.execute({ split: 'test', concurrency: 3 });
  const r = await runCli(jf.config.temporal.taskQueue, ['--json', 'execution', 'watch', String(uid)]);
  expect(r.code).toBe(0);
  expect(r.stderr).toMatch(
    new RegExp(`execution ${uid}: \\d+/30 rows, 0 errors, [\\d.]+ rows/s, window 3/3, 0 rate-limited`),
  );
  expect(JSON.parse(r.stdout)).toMatchObject({ executionUid: uid, status: 'completed', done: 30, errors: 0 });
});

it('Ctrl-C detaches: the execution keeps running, and the message says how to re-attach or cancel', async () => {
  const f = await createEvaluatorFixture(jf, { rows: 40, modelName: 'local-judge:latency=1000' });
  const uid = await f.evaluator.execute({ split: 'test', concurrency: 2 });
  const watching = spawnCli(jf.config.temporal.taskQueue, ['execution', 'watch', String(uid)]);
  await waitUntil('watch prints progress', () => watching.output().stderr.includes(`execution ${uid}:`), 30_000);
  watching.child.kill('SIGINT');
  expect(await watching.exited).toBe(0);
  const { stderr } = watching.output();
  expect(stderr).toContain(`detached; execution ${uid} keeps running`);
  expect(stderr).toContain(`npx judgeflow execution watch ${uid}`);
  expect(stderr).toContain(`npx judgeflow execution cancel ${uid}`);
  const [status] = await f.evaluator.pollExecutionResult(uid);
  expect(status).toBe('running');
  await f.evaluator.cancelExecution(uid);
});

it('on a terminal the progress bar fits its width, so a redraw leaves nothing behind (regression: it wrapped)', async () => {
  const f = await createEvaluatorFixture(jf, { rows: 20, modelName: 'local-judge:latency=300' });
  const uid = await f.evaluator.execute({ split: 'test', concurrency: 2 });
  const r = await runCliInTerminal(jf.config.temporal.taskQueue, ['execution', 'watch', String(uid)], { columns: 120 });
  expect(r.code, r.stdout).toBe(0);
  const lines = terminalLines(r.stdout);
  const bars = lines.filter((l) => / rows \| /.test(l));
  expect(bars.length, r.stdout).toBeGreaterThan(0);
  expect(bars.at(-1)).toMatch(/^█{10,40} 20\/20 rows \| 0 errors/);
  for (const line of lines) expect(line.length, JSON.stringify(line)).toBeLessThan(120);
  expect(r.stdout).toContain(`execution ${uid} completed: 20 rows, 0 errors`);
});
