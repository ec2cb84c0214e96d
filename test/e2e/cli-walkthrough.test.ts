/**
 * The command line as a user drives it, every command spawned as a child process: define a benchmark from a CSV
 * file, run and follow an evaluator, run a benchmark, report and export it (locally and to S3 through a
 * connector), and `--help` on every command. Human output is checked where a person reads it, `--json` where a
 * script would.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3Client, GetObjectCommand } from '@aws-sdk/client-s3';
import type { Judgeflow } from '../../src';
import { buildProgram } from '../../src/cli/program';
import { cliOn, runCli, spawnCli } from '../support/cli';
import { uniqueName } from '../support/context';
import { createEvaluatorFixture } from '../support/fixtures';
import { startJudgedClient, type JudgedClient } from '../support/judged-client';
import { evaluatorExecutionWorkflowId } from '../../src/shared/workflow-ids';
import { waitUntil } from '../support/results';
import { startS3Server, type S3Server } from '../../tools/storage-servers';

const root = path.resolve(import.meta.dirname, '../..');
let stack: JudgedClient;
let jf: Judgeflow;
let s3: S3Server;
let dir: string;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'judgeflow-cli-'));
  s3 = await startS3Server(path.join(dir, 's3'), ['exports']);
  stack = await startJudgedClient(`cli-walkthrough-${process.pid}`);
  jf = stack.jf;
});

afterAll(async () => {
  await stack?.stop();
  await s3?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

const { cli, ok, json } = cliOn(() => jf.config.temporal.taskQueue);

describe('a benchmark from a CSV file to a report, from the shell', () => {
  const ids = { dataset: 0, benchmark: 0, criteria: 0, evaluator: 0, execution: 0, runA: 0, runB: 0, connector: 0 };

  it('dataset import and list', async () => {
    const name = uniqueName('support');
    const human = await ok('dataset', 'import', path.join(root, 'examples/data/support-answers.csv'), '--name', name);
    expect(human.stdout).toMatch(
      new RegExp(
        `^dataset: +\\d+ "${name}"\\nrows: +15 dev, 7 test, 8 train\\ncolumns: +question, response, product_area, helpfulness`,
      ),
    );
    ids.dataset = Number(/dataset: +(\d+)/.exec(human.stdout)![1]);
    const list = await json<{ datasetUid: number; rowsBySplit: Record<string, number> }[]>('dataset', 'list');
    expect(list.find((d) => d.datasetUid === ids.dataset)?.rowsBySplit).toEqual({ dev: 15, test: 7, train: 8 });
  });

  it('benchmark create, criteria create with ground truth from a column, slice create, evaluator create and update', async () => {
    const b = await json('benchmark', 'create', '--dataset', String(ids.dataset), '--name', uniqueName('quality'));
    ids.benchmark = b.benchmarkUid;
    const c = await json(
      'criteria',
      'create',
      '--benchmark',
      String(ids.benchmark),
      '--name',
      'helpfulness',
      '--label',
      'unhelpful=0:does not answer',
      '--label',
      'partly helpful=1',
      '--label',
      'helpful=2:answers fully',
    );
    ids.criteria = c.criteriaUid;
    expect(c.labels).toEqual([
      { name: 'unhelpful', score: 0, description: 'does not answer' },
      { name: 'partly helpful', score: 1, description: '' },
      { name: 'helpful', score: 2, description: 'answers fully' },
    ]);
    expect((await ok('criteria', 'ground-truth', String(ids.criteria), '--column', 'helpfulness')).stdout).toBe(
      `criteria ${ids.criteria}: ground truth for 30 datapoints\n`,
    );
    const slice = await json(
      'slice',
      'create',
      '--benchmark',
      String(ids.benchmark),
      '--name',
      'billing',
      '--column',
      'product_area',
      '--equals',
      'billing',
    );
    expect(slice.size).toBe(9);
    const e = await json(
      'evaluator',
      'create',
      '--criteria',
      String(ids.criteria),
      '--model',
      'local-judge',
      '--name',
      'helpfulness judge',
      '--system-prompt',
      'You review support answers.',
      '--user-prompt',
      'Q: {{question}} A: {{response}}',
      '--param',
      'temperature=0',
    );
    ids.evaluator = e.evaluatorUid;
    expect(e.versions).toEqual(['v1']);
    const promptFile = path.join(dir, 'prompt.txt');
    fs.writeFileSync(promptFile, 'Question: {{question}}\nAnswer: {{response}}\nArea: {{product_area}}');
    expect((await ok('evaluator', 'update', String(ids.evaluator), '--user-prompt-file', promptFile)).stdout).toBe(
      `evaluator ${ids.evaluator}: new version v2 (the latest), from v1\n` +
        '  changed:      user prompt\n  carried over: system prompt, model, parameters\n',
    );
    const versions = await json<
      { name: string; systemPrompt: string; userPrompt: string; fmHyperparameters: unknown }[]
    >('evaluator', 'versions', String(ids.evaluator));
    expect(versions.map((v) => v.name)).toEqual(['v1', 'v2']);
    expect(versions[0]!.fmHyperparameters).toEqual({ temperature: 0 });
    expect(versions[1]!.userPrompt).toContain('Area: {{product_area}}');
    // The version the README's update step makes keeps what it was not given.
    expect(versions[1]).toMatchObject({
      systemPrompt: 'You review support answers.',
      fmHyperparameters: { temperature: 0 },
      changedFromPrevious: ['userPrompt'],
    });
  });

  it('benchmark list and show, criteria list, evaluator list, slice list', async () => {
    expect((await json<{ benchmarkUid: number }[]>('benchmark', 'list')).map((b) => b.benchmarkUid)).toContain(
      ids.benchmark,
    );
    const shown = await ok('benchmark', 'show', String(ids.benchmark));
    expect(shown.stdout).toMatch(
      /criteria\nuid +name +labels\n\d+ +helpfulness +unhelpful=0, partly helpful=1, helpful=2/,
    );
    expect(shown.stdout).toMatch(/slices\nuid +name +rows\n\d+ +billing +9/);
    expect((await json('criteria', 'list', '--benchmark', String(ids.benchmark)))[0].criteriaUid).toBe(ids.criteria);
    expect((await json('evaluator', 'list', '--benchmark', String(ids.benchmark)))[0]).toMatchObject({
      evaluatorUid: ids.evaluator,
      type: 'prompt',
    });
    expect((await json('slice', 'list', '--benchmark', String(ids.benchmark)))[0]).toMatchObject({
      name: 'billing',
      size: 9,
    });
  });

  it('evaluator execute, then execution status, results, progress, watch and cancel by execution uid alone', async () => {
    const started = await ok(
      'evaluator',
      'execute',
      String(ids.evaluator),
      '--split',
      'dev',
      '--version',
      'v1',
      '--concurrency',
      '3',
    );
    ids.execution = Number(/^execution (\d+)$/m.exec(started.stdout)![1]);
    expect(started.stdout).toContain(`npx judgeflow execution watch ${ids.execution}`);
    expect(started.stderr).toContain(
      `/workflows/${encodeURIComponent(evaluatorExecutionWorkflowId(jf.instanceId, ids.evaluator, ids.execution))}`,
    );

    const watched = await ok('execution', 'watch', String(ids.execution));
    expect(watched.stdout).toMatch(new RegExp(`^execution ${ids.execution} completed: 15 rows, 0 errors`));

    const status = await json('execution', 'status', String(ids.execution));
    expect(status).toMatchObject({
      evaluatorUid: ids.evaluator,
      status: 'completed',
      split: 'dev',
      versionName: 'v1',
      total: 15,
      done: 15,
      errors: 0,
    });
    const results = await json<{ status: string; results: Record<string, { score: number }> }>(
      'execution',
      'results',
      String(ids.execution),
    );
    expect(Object.keys(results.results)).toHaveLength(15);
    const stored = await stack.jf.db.query<{ x_uid: string; score: number }>(
      'SELECT x_uid, score FROM evaluator_results WHERE execution_uid = $1',
      [ids.execution],
    );
    for (const row of stored.rows) expect(results.results[row.x_uid]?.score).toBe(row.score);
    const humanResults = await ok('execution', 'results', String(ids.execution));
    // The criteria has ground truth for every row: it is shown beside the judge's score.
    expect(humanResults.stdout).toMatch(/^status: completed\nx_uid +score +truth +rationale \/ error\n/);
    expect(humanResults.stdout.trim().split('\n')).toHaveLength(17);

    const progress = await json('execution', 'progress', String(ids.execution));
    expect(progress).toMatchObject({ status: 'completed', total: 15, done: 15, concurrency: { max: 3 } });
    expect((await ok('execution', 'cancel', String(ids.execution))).stdout).toContain('already finished: completed');
    const executions = await json('evaluator', 'executions', String(ids.evaluator));
    expect(executions).toEqual([
      expect.objectContaining({ executionUid: ids.execution, promptVersionName: 'v1', status: 'completed' }),
    ]);
  });

  it('benchmark execute twice (prompt v2, then v3) and benchmark executions, newest first', async () => {
    const a = await json('benchmark', 'execute', String(ids.benchmark), '--name', 'with v2', '--sync');
    expect(a).toMatchObject({ status: 'completed', splits: ['dev', 'train'] });
    ids.runA = a.benchmarkExecutionUid;
    await ok(
      'evaluator',
      'update',
      String(ids.evaluator),
      '--model',
      'local-judge',
      '--user-prompt',
      'Strict: {{question}} / {{response}}',
    );
    const watched = await ok('benchmark', 'execute', String(ids.benchmark), '--name', 'with v3', '--watch');
    expect(watched.stderr).toMatch(/benchmark execution \d+: 23\/23 rows, 0 errors/);
    expect(watched.stdout).toMatch(/status: +completed/);
    ids.runB = Number(/benchmark execution: +(\d+)/.exec(watched.stdout)![1]);
    const list = await json<{ benchmarkExecutionUid: number; name: string }[]>(
      'benchmark',
      'executions',
      String(ids.benchmark),
    );
    expect(list.map((x) => [x.benchmarkExecutionUid, x.name])).toEqual([
      [ids.runB, 'with v3'],
      [ids.runA, 'with v2'],
    ]);
  });

  it('report writes one HTML file, and report A B compares two runs', async () => {
    const out = path.join(dir, 'report.html');
    const r = await ok('report', String(ids.runA), '--out', out);
    expect(r.stdout).toMatch(
      new RegExp(
        `^report of benchmark execution ${ids.runA} written to ${out}\\n  helpfulness judge: accuracy 0\\.\\d{3}, kappa -?\\d\\.\\d{3}, 0 errors`,
      ),
    );
    expect(fs.readFileSync(out, 'utf8')).toMatch(/^<!doctype html>/);
    const compared = await json('report', String(ids.runA), String(ids.runB), '--out', path.join(dir, 'compare.html'));
    expect(compared.changedVerdicts).toBeGreaterThan(0);
    expect(fs.existsSync(path.join(dir, 'compare.html'))).toBe(true);
  });

  it('connector create (credentials from a file), export to s3:// through it, connector list and delete', async () => {
    const credentials = path.join(dir, 's3.json');
    fs.writeFileSync(credentials, JSON.stringify({ accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey }));
    const created = await json(
      'connector',
      'create',
      '--name',
      uniqueName('s3'),
      '--type',
      's3',
      '--credentials-file',
      credentials,
      '--option',
      `endpoint=${s3.endpoint}`,
      '--option',
      'forcePathStyle=true',
      '--option',
      'region=us-east-1',
    );
    ids.connector = created.connectorConfigUid;
    const listed = await ok('connector', 'list');
    expect(listed.stdout).toContain(created.name);
    expect(listed.stdout).not.toContain(s3.secretAccessKey);

    const key = `cli/${ids.runA}.csv`;
    await ok('export', String(ids.runA), `s3://exports/${key}`, '--csv', '--connector', String(ids.connector));
    const admin = new S3Client({
      region: 'us-east-1',
      endpoint: s3.endpoint,
      forcePathStyle: true,
      credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
    });
    try {
      const body = await (
        await admin.send(new GetObjectCommand({ Bucket: 'exports', Key: key }))
      ).Body!.transformToString();
      expect(body.split('\n')[0]).toMatch(/^x_uid,/);
      expect(body.trim().split('\n')).toHaveLength(31);
    } finally {
      admin.destroy();
    }
    const local = path.join(dir, 'export.json');
    expect((await ok('export', String(ids.runA), local)).stdout).toBe(
      `exported benchmark execution ${ids.runA} to ${local}\n`,
    );
    expect(JSON.parse(fs.readFileSync(local, 'utf8'))).toHaveProperty('datapoints');

    expect((await ok('connector', 'delete', String(ids.connector))).stdout).toBe(
      `connector ${ids.connector} deleted\n`,
    );
    const gone = await cli('connector', 'delete', String(ids.connector));
    expect(gone.code).toBe(1);
    expect(gone.stderr).toMatch(new RegExp(`connector config ${ids.connector} does not exist`));
  });
});

describe('repair', () => {
  it('records as failed an execution whose workflow was terminated in Temporal', async () => {
    const f = await createEvaluatorFixture(jf, { rows: 20, modelName: 'local-judge:latency=500' });
    const uid = await f.evaluator.execute({ split: 'test', concurrency: 1 });
    await (
      await jf.temporal()
    ).workflow
      .getHandle(evaluatorExecutionWorkflowId(jf.instanceId, f.evaluatorUid, uid))
      .terminate('terminated by the test');
    const r = await ok('repair');
    // Another test file may run the repair first; either way this one ends recorded as failed.
    expect(r.stdout).toMatch(
      /^recorded as failed: evaluator executions (none|[\d, ]+); benchmark executions (none|[\d, ]+)\n$/,
    );
    const { rows } = await jf.db.query<{ status: string; error: string }>(
      'SELECT status, error FROM evaluator_executions WHERE uid = $1',
      [uid],
    );
    expect(rows[0]).toEqual({ status: 'failed', error: 'workflow terminated in Temporal' });
  });
});

describe('bad input on the command line', () => {
  it.each([
    [
      ['criteria', 'create', '--benchmark', '1', '--name', 'x', '--label', 'good'],
      /expected name=score\[:description\].*"good"/,
    ],
    [
      ['evaluator', 'create', '--criteria', '1', '--model', 'm', '--param', 'temperature'],
      /expected key=value, got "temperature"/,
    ],
    [['connector', 'create', '--name', 'x', '--type', 'ftp', '--from-env'], /expected s3 or gcs, got "ftp"/],
    [['slice', 'create', '--benchmark', '1', '--name', 'x', '--equals', 'billing'], /give --column <column> too/],
    [['criteria', 'ground-truth', '1'], /exactly one of --column <column> or --file <file>/],
    [['report', '5', '5'], /needs two different benchmark executions, got 5 twice/],
  ])('%j: one line naming what is wrong, exit code 1', async (args, message) => {
    const r = await cli(...args);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(message);
  });
});

describe('--help everywhere', () => {
  const paths: string[][] = [];
  const walk = (cmd: ReturnType<typeof buildProgram>, prefix: string[]) => {
    for (const sub of cmd.commands) {
      paths.push([...prefix, sub.name()]);
      walk(sub, [...prefix, sub.name()]);
    }
  };
  walk(buildProgram(), []);

  it('covers every command the issue asks for', () => {
    const names = paths.map((p) => p.join(' '));
    for (const expected of [
      'dataset import',
      'dataset list',
      'benchmark create',
      'benchmark list',
      'benchmark show',
      'benchmark execute',
      'benchmark executions',
      'criteria create',
      'criteria list',
      'evaluator create',
      'evaluator update',
      'evaluator versions',
      'evaluator list',
      'evaluator execute',
      'slice create',
      'execution status',
      'execution results',
      'execution progress',
      'execution cancel',
      'execution watch',
      'export',
      'report',
      'connector create',
      'connector list',
      'connector delete',
      'worker',
      'dev',
      'repair',
      'execution pause',
      'execution resume',
      'execution set-concurrency',
      'execution set-budget',
      'slice list',
      'criteria ground-truth',
      'evaluator executions',
    ])
      expect(names).toContain(expected);
  });

  it('every command prints its usage with --help', async () => {
    // Four at a time: each is a node process of its own.
    for (let i = 0; i < paths.length; i += 4) {
      await Promise.all(
        paths.slice(i, i + 4).map(async (p) => {
          const r = await cli(...p, '--help');
          expect(r.code, p.join(' ')).toBe(0);
          expect(r.stdout).toMatch(new RegExp(`^Usage: judgeflow ${p.join(' ')}`));
        }),
      );
    }
  });
});

describe('worker and dev', () => {
  it('worker runs a worker on the task queue until Ctrl-C', async () => {
    const queue = `cli-worker-${process.pid}`;
    const worker = spawnCli(queue, ['worker'], { OPENAI_BASE_URL: stack.judge.url, OPENAI_API_KEY: 'test-key' });
    await waitUntil(
      'the worker starts',
      () => worker.output().stdout.includes(`judgeflow worker: task queue "${queue}"`),
      60_000,
    );
    worker.child.kill('SIGINT');
    expect(await worker.exited).toBe(0);
    expect(worker.output().stdout).toContain('judgeflow worker stopped');
  });

  it('dev starts the judge server and a worker (reusing the running Temporal server); Ctrl-C stops them', async () => {
    const queue = `cli-dev-${process.pid}`;
    const dev = spawnCli(queue, ['dev'], { OPENAI_API_KEY: '', OPENAI_BASE_URL: '' });
    await waitUntil('dev is ready', () => dev.output().stdout.includes('judgeflow is ready'), 90_000);
    const out = dev.output().stdout;
    expect(out).toContain('using the Temporal server already running');
    expect(out).toMatch(/using the project's local judge server at http:\/\/127\.0\.0\.1:\d+\/v1/);
    expect(out).toContain(`started a worker on task queue "${queue}"`);
    // The worker it started judges with the local judge server: run an execution through it.
    const r = await runCli(queue, [
      '--json',
      'evaluator',
      'execute',
      String((await firstEvaluator()).uid),
      '--split',
      'dev',
      '--num-rows',
      '2',
      '--sync',
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).status).toBe('completed');
    dev.child.kill('SIGINT');
    expect(await dev.exited).toBe(0);
    expect(dev.output().stdout).toContain('stopping');
  });
});

async function firstEvaluator(): Promise<{ uid: number }> {
  const { rows } = await jf.db.query<{ uid: number }>(
    `SELECT ev.uid FROM evaluators ev JOIN prompt_versions v ON v.prompt_workflow_uid = ev.prompt_workflow_uid
      WHERE v.model_name = 'local-judge' ORDER BY ev.uid DESC LIMIT 1`,
  );
  return rows[0]!;
}
