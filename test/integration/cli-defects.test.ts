/**
 * Regression tests of command-line defects found when it was tried as a new user would: commands that need a
 * worker hung or printed a stack trace without one; `execute` was refused in a shell without the model endpoint
 * the worker has; unknown uids and finished executions were answered as if all was well; and the `npx judgeflow`
 * bin with one-line errors (stack only with --verbose).
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Benchmark, PromptEvaluator, type Judgeflow } from '../../src';
import { runCli } from '../support/cli';
import { connectTestClient } from '../support/context';
import { createEvaluatorFixture, type EvaluatorFixture } from '../support/fixtures';
import { startJudgedClient, type JudgedClient } from '../support/judged-client';
import { startTestWorker } from '../support/worker';
import { createJudgeClient } from '../../src/llm/judge';

let stack: JudgedClient;
let jf: Judgeflow;
let f: EvaluatorFixture;
/** A task queue no worker polls. */
const idleQueue = `cli-no-worker-${process.pid}`;
/** Neither the endpoint nor the key in the CLI's shell: the worker has them. */
const noModelEnv = { OPENAI_BASE_URL: '', OPENAI_API_KEY: '' };

beforeAll(async () => {
  stack = await startJudgedClient(`cli-defects-${process.pid}`);
  jf = stack.jf;
  f = await createEvaluatorFixture(jf, { rows: 4 });
});

afterAll(async () => {
  await stack?.stop();
});

const oneLine = (stderr: string) => stderr.trim().split('\n');

describe('commands that need a worker', () => {
  it('export with no worker on the task queue says so in one line within seconds, naming the command to start one', async () => {
    const execution = await (await Benchmark.get(f.benchmarkUid, jf)).execute({ sync: true, splits: ['test'] });
    const r = await runCli(idleQueue, ['export', String(execution.benchmarkExecutionUid), '/tmp/never-written.json']);
    expect(r.code).toBe(1);
    expect(oneLine(r.stderr)).toHaveLength(1);
    expect(r.stderr).toMatch(
      /no judgeflow worker is polling task queue "cli-no-worker-\d+".*`npx judgeflow dev`.*`npx judgeflow worker`.*--wait/,
    );
    // The command line's own commands, not the clone's npm scripts (regression: it said `npm run worker`).
    expect(r.stderr).not.toMatch(/npm run/);
    expect(r.ms).toBeLessThan(20_000);
  });

  it('progress of an execution whose worker is gone: one line, no ServiceError stack', async () => {
    const uid = await f.evaluator.execute({ split: 'test', sync: true });
    const r = await runCli(idleQueue, ['execution', 'progress', String(uid)]);
    expect(r.code).toBe(1);
    expect(oneLine(r.stderr)).toHaveLength(1);
    expect(r.stderr).toMatch(/no judgeflow worker is polling/);
    expect(r.stderr).not.toMatch(/ServiceError|FAILED_PRECONDITION|\n\s+at /);
  });

  it('execute from a shell without OPENAI_BASE_URL works: the worker holds the model endpoint', async () => {
    const r = await runCli(
      jf.config.temporal.taskQueue,
      ['--json', 'evaluator', 'execute', String(f.evaluatorUid), '--split', 'test', '--sync'],
      noModelEnv,
    );
    expect(r.stderr).not.toMatch(/not configured/);
    expect(r.code).toBe(0);
    const printed = JSON.parse(r.stdout) as { status: string; results: Record<string, { score: number }> };
    expect(printed.status).toBe('completed');
    expect(Object.keys(printed.results)).toHaveLength(4);
  });

  it('a worker without a model endpoint fails the execution once, saying what the worker lacks', async () => {
    const bare = await connectTestClient(`cli-bare-worker-${process.pid}`);
    bare.config.openai = {};
    const worker = await startTestWorker(bare, createJudgeClient({}));
    try {
      const evaluator = await PromptEvaluator.get(f.evaluatorUid, bare);
      const uid = await evaluator.execute({ split: 'test', sync: true });
      const [status, results] = await evaluator.pollExecutionResult(uid);
      expect(status).toBe('failed');
      expect(results).toEqual({});
      const { rows } = await bare.db.query<{ error: string }>(`SELECT error FROM evaluator_executions WHERE uid = $1`, [
        uid,
      ]);
      expect(rows[0]?.error).toMatch(/the worker has no model endpoint: set OPENAI_API_KEY/);
    } finally {
      await worker.stop();
      await bare.close();
    }
  });
});

describe('unknown uids and finished executions', () => {
  it('status or results of an unknown execution is an error, not {"status":"unknown"}', async () => {
    for (const verb of ['status', 'results']) {
      const r = await runCli(jf.config.temporal.taskQueue, ['execution', verb, '987654']);
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/evaluator execution 987654 does not exist/);
    }
  });

  it('the JSON of a benchmark execution prints (the SDK object holds its client, which is circular)', async () => {
    const r = await runCli(jf.config.temporal.taskQueue, [
      '--json',
      'benchmark',
      'execute',
      String(f.benchmarkUid),
      '--splits',
      'test',
      '--sync',
    ]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ benchmarkUid: f.benchmarkUid, status: 'completed' });
    const list = await runCli(jf.config.temporal.taskQueue, [
      '--json',
      'benchmark',
      'executions',
      String(f.benchmarkUid),
    ]);
    expect(list.code).toBe(0);
    expect(JSON.parse(list.stdout)[0]).toMatchObject({ benchmarkUid: f.benchmarkUid, status: 'completed' });
  });

  it('an unknown evaluator is an error naming it', async () => {
    const r = await runCli(jf.config.temporal.taskQueue, ['evaluator', 'executions', '987654']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/evaluator 987654 does not exist/);
  });

  it('benchmark executions of an unknown benchmark is an error, not []', async () => {
    const r = await runCli(jf.config.temporal.taskQueue, ['benchmark', 'executions', '999999']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/benchmark 999999 does not exist/);
  });

  it('cancel of a completed execution says it already finished', async () => {
    const uid = await f.evaluator.execute({ split: 'test', sync: true });
    const r = await runCli(jf.config.temporal.taskQueue, ['execution', 'cancel', String(uid)]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`execution ${uid} already finished: completed`));
    expect(r.stdout).not.toMatch(/cancellation .* requested/);
  });
});

describe('a running execution with no worker', () => {
  it('execution status answers at once from PostgreSQL and Temporal, without waiting on a query no worker answers', async () => {
    const idle = await connectTestClient(idleQueue);
    try {
      const uid = await (await PromptEvaluator.get(f.evaluatorUid, idle)).execute({ split: 'test' });
      const r = await runCli(idleQueue, ['--json', 'execution', 'status', String(uid)]);
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout)).toMatchObject({ executionUid: uid, status: 'running', state: 'running', done: 0 });
      expect(r.ms).toBeLessThan(15_000);
      await (await PromptEvaluator.get(f.evaluatorUid, idle)).cancelExecution(uid);
    } finally {
      await idle.close();
    }
  });
});

describe('executions that have ended', () => {
  it('watch of an ended execution prints its end at once, with no worker needed', async () => {
    const uid = await f.evaluator.execute({ split: 'test', sync: true });
    const r = await runCli(idleQueue, ['--json', 'execution', 'watch', String(uid)]);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({
      executionUid: uid,
      status: 'completed',
      done: 4,
      errors: 0,
      errorsByKind: {},
    });
    expect(r.ms).toBeLessThan(20_000);
  });

  it('progress of an execution whose workflow Temporal no longer holds says so in one line', async () => {
    // An execution PostgreSQL remembers and Temporal does not, as after the dev server's 24 h retention. (Deleting
    // a workflow through Temporal is asynchronous and took from 10 to over 30 s here, so the record is made so.)
    const { rows } = await jf.db.query<{ uid: number }>(
      `INSERT INTO evaluator_executions
         (evaluator_uid, prompt_version_uid, split, concurrency, total_rows, last_position, status, finished_at)
       SELECT $1, v.uid, 'test', 1, 0, NULL, 'completed', now()
         FROM prompt_versions v WHERE v.prompt_workflow_uid = $2 ORDER BY v.uid LIMIT 1
       RETURNING uid`,
      [f.evaluatorUid, f.promptWorkflowUid],
    );
    const uid = rows[0]!.uid;
    const r = await runCli(jf.config.temporal.taskQueue, ['execution', 'progress', String(uid)]);
    expect(r.code).toBe(1);
    expect(oneLine(r.stderr)).toEqual([
      expect.stringMatching(
        new RegExp(`^error: execution ${uid} has ended \\(completed\\) and Temporal no longer holds its workflow`),
      ),
    ]);
    const results = await runCli(jf.config.temporal.taskQueue, ['--json', 'execution', 'results', String(uid)]);
    expect(results.code, results.stderr).toBe(0);
    expect(JSON.parse(results.stdout)).toEqual({ executionUid: uid, status: 'completed', results: {} });
  });
});

describe('running the command line', () => {
  it('npx judgeflow runs it (the package bin)', async () => {
    const { stdout } = await promisify(execFile)('npx', ['--no-install', 'judgeflow', '--help'], {
      cwd: path.resolve(import.meta.dirname, '../..'),
      timeout: 60_000,
    });
    expect(stdout).toMatch(/^Usage: judgeflow/);
    expect(stdout).toMatch(/--verbose/);
  });

  it('an unexpected error is one line, with its stack only under --verbose', async () => {
    // A database without judgeflow's tables: PostgreSQL's own error, not a typed judgeflow one.
    const env = { DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/postgres' };
    const plain = await runCli(idleQueue, ['evaluator', 'executions', '1'], env);
    expect(plain.code).toBe(1);
    expect(oneLine(plain.stderr)).toEqual([expect.stringMatching(/^error: .*\(run with --verbose for details\)$/)]);
    const verbose = await runCli(idleQueue, ['--verbose', 'evaluator', 'executions', '1'], env);
    expect(verbose.code).toBe(1);
    expect(verbose.stderr).toMatch(/\n\s+at /);
  });
});

describe('credentials files', () => {
  it('a malformed credentials file is refused in one line that quotes none of it (regression: the parse error quoted it)', async () => {
    const file = path.join(os.tmpdir(), `bad-credentials-${process.pid}.json`);
    fs.writeFileSync(file, '{"accessKeyId": "AKIACLI", "secretAccessKey": s3SecretCliSentinel}');
    try {
      const r = await runCli(idleQueue, [
        'connector',
        'create',
        '--name',
        'bad',
        '--type',
        's3',
        '--credentials-file',
        file,
      ]);
      expect(r.code).toBe(1);
      expect(oneLine(r.stderr)).toEqual([
        `error: ${file} is not valid JSON (its content is not shown: it holds credentials); expected a JSON object of credentials`,
      ]);
      expect(r.stderr + r.stdout).not.toMatch(/s3SecretCliSentinel|AKIACLI/);
    } finally {
      fs.rmSync(file, { force: true });
    }
  });
});
