/**
 * `watch`: follows an execution to its end — plain progress lines when not a terminal, the final status as JSON —
 * and Ctrl-C (SIGINT) detaches without stopping the execution, saying how to re-attach or cancel.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { BenchmarkExecution, Criteria, type Judgeflow } from '../../src';
import { runCli, runCliInTerminal, spawnCli, spawnCliInTerminal, terminalLines } from '../support/cli';
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
    new RegExp(`execution ${uid}: \\d+/30 rows, 0 errors, [\\d.]+ rows/s, ETA \\w+, window 3/3, 0 rate-limited`),
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

it('after re-attaching, rows/s counts the rows done since attaching (regression: every row over the time since)', async () => {
  const f = await createEvaluatorFixture(jf, { rows: 24, modelName: 'local-judge:latency=500' });
  const uid = await f.evaluator.execute({ split: 'test', concurrency: 1 });
  await waitUntil('12 rows are done', async () => (await f.evaluator.getExecutionProgress(uid)).done >= 12, 60_000);
  const r = await runCli(jf.config.temporal.taskQueue, ['execution', 'watch', String(uid)]);
  expect(r.code, r.stderr).toBe(0);
  const rates = [...r.stderr.matchAll(/, ([\d.]+) rows\/s/g)].map((m) => Number(m[1]));
  expect(rates.length, r.stderr).toBeGreaterThan(0);
  // One row at a time, each taking at least 500 ms: 2 rows/s at most, plus the row in flight when the watch
  // attached. Counting the 12 rows done before would show about twice that.
  for (const rate of rates) expect(rate, r.stderr).toBeLessThanOrEqual(2.5);
  // Twelve polls and more: one abort listener each used to pass Node's limit.
  expect(r.stderr).not.toMatch(/MaxListenersExceededWarning/);
});

it('a paused execution shows "paused" and no ETA on the bar, never NaN or Infinity (regression: ETA ran on, then NFs)', async () => {
  // Rows slow enough that the pause lands before the last row (at 200 ms all 12 could be done by then).
  const f = await createEvaluatorFixture(jf, { rows: 12, modelName: 'local-judge:latency=1000' });
  const uid = await f.evaluator.execute({ split: 'test', concurrency: 1 });
  await waitUntil('2 rows are done', async () => (await f.evaluator.getExecutionProgress(uid)).done >= 2, 60_000);
  await f.evaluator.pauseExecution(uid);
  const watching = spawnCliInTerminal(jf.config.temporal.taskQueue, ['execution', 'watch', String(uid)], {
    columns: 160,
  });
  await waitUntil('the bar says paused', () => /paused: /.test(watching.output()), 60_000);
  await f.evaluator.resumeExecution(uid);
  expect(await watching.exited).toBe(0);
  const bars = terminalLines(watching.output()).filter((l) => / rows \| /.test(l));
  const paused = bars.filter((l) => l.includes('paused: '));
  expect(paused.length).toBeGreaterThan(0);
  for (const line of paused) expect(line).not.toMatch(/ETA/);
  for (const line of bars) expect(line).not.toMatch(/NaN|Infinity|\bINF\b|NFs|LLs/);
  expect(bars.at(-1)).toMatch(/12\/12 rows \| 0 errors \| [\d.]+ rows\/s \| ETA 0s \|/);
});

it('benchmark execute --watch shows the window of its evaluator executions and ends with accuracy and kappa per evaluator (regression: window 0/0, no agreement)', async () => {
  const f = await createEvaluatorFixture(jf, { rows: 12, modelName: 'local-judge:latency=100' });
  await (await Criteria.get(f.criteriaUid, jf)).setGroundTruth(Object.fromEntries(f.xUids.map((x, i) => [x, i % 2])));
  const r = await runCli(jf.config.temporal.taskQueue, [
    'benchmark',
    'execute',
    String(f.benchmarkUid),
    '--splits',
    'test',
    '--watch',
  ]);
  expect(r.code, r.stderr).toBe(0);
  const lines = r.stderr.split('\n').filter((l) => /^benchmark execution \d+: /.test(l));
  expect(lines.at(-1)).toMatch(/12\/12 rows, 0 errors, .*, window [1-9]\d*\/[1-9]\d*, /);
  expect(r.stderr).not.toMatch(/window 0\/0/);
  const uid = Number(/benchmark execution: +(\d+)/.exec(r.stdout)![1]);
  const summary = (await (await BenchmarkExecution.get(uid, jf)).summary()) as {
    evaluators: { evaluatorUid: number; overall: { accuracy: number; kappa: number | null } }[];
  };
  const [overall] = summary.evaluators.map((e) => e.overall);
  const ratio = (v: number | null | undefined) => (v === null || v === undefined ? 'n/a' : v.toFixed(3));
  expect(r.stdout).toMatch(
    new RegExp(
      `agreement with ground truth\\nevaluator +name +accuracy +kappa +compared +errors\\n` +
        `${f.evaluatorUid} +helpfulness judge +${ratio(overall!.accuracy)} +${ratio(overall!.kappa)} +12/12 +0\\n`,
    ),
  );
});
