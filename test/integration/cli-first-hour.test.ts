/**
 * Regression tests of what a new user met in the first hour with the command line (issue 22, section 4), each
 * through the CLI spawned as a user runs it: `evaluator update` dropped what it was not given, and errors spoke
 * the SDK's words (`maxTokens`, `userPrompt`, `npm run worker`) to a person who typed options.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Benchmark,
  Criteria,
  EvaluatorNotInBenchmarkError,
  PromptEvaluator,
  ValidationError,
  type Judgeflow,
} from '../../src';
import { cliOn, runCliInTerminal, terminalLines } from '../support/cli';
import { uniqueName } from '../support/context';
import { createEvaluatorFixture, type EvaluatorFixture } from '../support/fixtures';
import { startJudgedClient, type JudgedClient } from '../support/judged-client';

let stack: JudgedClient;
let jf: Judgeflow;
let f: EvaluatorFixture;

beforeAll(async () => {
  stack = await startJudgedClient(`cli-first-hour-${process.pid}`);
  jf = stack.jf;
  f = await createEvaluatorFixture(jf, { rows: 6 });
});

afterAll(async () => {
  await stack?.stop();
});

const { cli, ok, json } = cliOn(() => jf.config.temporal.taskQueue);

describe('evaluator update carries over what it is not given', () => {
  it('--user-prompt alone keeps the system prompt, the model and temperature=0 of v1 (regression: both were dropped)', async () => {
    const created = await json(
      'evaluator',
      'create',
      '--criteria',
      String(f.criteriaUid),
      '--model',
      'local-judge',
      '--name',
      'carry-over judge',
      '--system-prompt',
      'You review support answers.',
      '--user-prompt',
      'Q: {{question}} A: {{response}}',
      '--param',
      'temperature=0',
    );
    const uid = String(created.evaluatorUid);
    const human = await ok('evaluator', 'update', uid, '--user-prompt', 'Question: {{question}} Answer: {{response}}');
    expect(human.stdout).toBe(
      `evaluator ${uid}: new version v2 (the latest), from v1\n` +
        '  changed:      user prompt\n  carried over: system prompt, model, parameters\n',
    );
    const v2 = (await json('evaluator', 'versions', uid))[1];
    expect(v2).toMatchObject({
      name: 'v2',
      systemPrompt: 'You review support answers.',
      userPrompt: 'Question: {{question}} Answer: {{response}}',
      modelName: 'local-judge',
      fmHyperparameters: { temperature: 0 },
      changedFromPrevious: ['userPrompt'],
    });

    // Clearing explicitly: an empty prompt, and --no-params; --param then sets only what it names.
    expect(
      await json('evaluator', 'update', uid, '--system-prompt', '', '--no-params', '--param', 'max_tokens=50'),
    ).toEqual({
      evaluatorUid: created.evaluatorUid,
      versionName: 'v3',
      previousVersion: 'v2',
      changed: ['systemPrompt', 'fmHyperparameters'],
      carriedOver: ['userPrompt', 'modelName'],
      warnings: [],
    });
    const versions = await json('evaluator', 'versions', uid);
    expect(versions[2]).toMatchObject({
      systemPrompt: null,
      userPrompt: 'Question: {{question}} Answer: {{response}}',
      fmHyperparameters: { max_tokens: 50 },
      changedFromPrevious: ['systemPrompt', 'fmHyperparameters'],
    });
    expect(versions[0].changedFromPrevious).toBeNull();

    const table = (await ok('evaluator', 'versions', uid)).stdout.split('\n');
    expect(table[0]).toMatch(/^name +model +parameters +changed from previous +created$/);
    expect(table[1]).toMatch(/^v1 +local-judge +\{"temperature":0\} +\(first\) /);
    expect(table[2]).toMatch(/^v2 +local-judge +\{"temperature":0\} +user prompt /);
    expect(table[3]).toMatch(/^v3 +local-judge +\{"max_tokens":50\} +system prompt, parameters /);
  });

  it('clearing both prompts is refused, naming what is missing, and adds no version', async () => {
    const r = await cli('evaluator', 'update', String(f.evaluatorUid), '--user-prompt', '');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/--user-prompt or --system-prompt/);
    expect(await f.evaluator.getVersions()).toEqual(['v1']);
  });
});

describe("errors in the command line's words", () => {
  /** The one line of a refused command. */
  async function refused(...args: string[]): Promise<string> {
    const r = await cli(...args);
    expect(r.code, r.stdout).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    return r.stderr;
  }

  it('a budget says --budget-usd and --budget-tokens, not maxCostUsd and maxTokens (regression)', async () => {
    const line = await refused('evaluator', 'execute', String(f.evaluatorUid), '--split', 'test', '--budget-usd', '1');
    expect(line).toMatch(/--budget-usd needs the price of model "local-judge".*--budget-tokens/);
    expect(line).not.toMatch(/maxCostUsd|maxTokens/);
  });

  it('prompts and the model are named by their options (regression: userPrompt, modelName)', async () => {
    const noPrompt = await refused('evaluator', 'create', '--criteria', String(f.criteriaUid), '--model', 'm');
    expect(noPrompt).toMatch(/--user-prompt or --system-prompt/);
    expect(noPrompt).not.toMatch(/userPrompt|systemPrompt/);
    const noModel = await refused(
      'evaluator',
      'create',
      '--criteria',
      String(f.criteriaUid),
      '--model',
      '',
      '--user-prompt',
      'x',
    );
    expect(noModel).toMatch(/--model must name a model/);
    expect(noModel).not.toMatch(/modelName/);
  });

  it('a slice without members or a filter names the options that give them (regression: xUids or filter)', async () => {
    const line = await refused('slice', 'create', '--benchmark', String(f.benchmarkUid), '--name', 'nothing');
    expect(line).toMatch(
      /exactly one of --x-uids <ids>, --column <column> \(with --equals or --in\) or --filter <json>/,
    );
    expect(line).not.toMatch(/xUids/);
  });

  it('a benchmark without evaluators says which command makes one (regression: PromptEvaluator.create)', async () => {
    const b = await json('benchmark', 'create', '--dataset', String(f.datasetUid), '--name', `empty-${process.pid}`);
    const line = await refused('benchmark', 'execute', String(b.benchmarkUid));
    expect(line).toMatch(/has no prompt evaluators to execute; create one with `npx judgeflow evaluator create/);
    expect(line).not.toMatch(/PromptEvaluator/);
  });
});

describe('execution listings', () => {
  it('evaluator executions shows the split each ran on (regression: it was not shown)', async () => {
    const uid = await f.evaluator.execute({ split: 'test', numRows: 2, sync: true });
    const human = (await ok('evaluator', 'executions', String(f.evaluatorUid))).stdout.split('\n');
    expect(human[0]).toMatch(/^uid +version +split +status +created$/);
    expect(human.find((l) => l.startsWith(`${uid} `))).toMatch(new RegExp(`^${uid} +v1 +test +completed +\\d{4}-`));
    const listed = await json<{ executionUid: number; split: string }[]>(
      'evaluator',
      'executions',
      String(f.evaluatorUid),
    );
    expect(listed.find((x) => x.executionUid === uid)?.split).toBe('test');
  });
});

describe('execution results', () => {
  it('on a terminal fit its width, cut with …, and show the ground truth where the criteria has it (regression: rows wider than the terminal, no truth)', async () => {
    const g = await createEvaluatorFixture(jf, { rows: 4 });
    await (await Criteria.get(g.criteriaUid, jf)).setGroundTruth({ 'row-0': 1, 'row-1': 0 });
    const uid = await g.evaluator.execute({ split: 'test', sync: true });
    const r = await runCliInTerminal(jf.config.temporal.taskQueue, ['execution', 'results', String(uid)], {
      columns: 60,
    });
    expect(r.code, r.stdout).toBe(0);
    const lines = terminalLines(r.stdout).filter((l) => l !== '');
    expect(lines[0]).toBe('status: completed');
    expect(lines[1]).toMatch(/^x_uid +score +truth +rationale \/ error$/);
    const rows = lines.slice(2);
    expect(rows).toHaveLength(4);
    for (const line of lines) expect(line.length, line).toBeLessThan(60);
    // The local judge's rationale is longer than the room left: cut with …
    expect(rows[0]).toMatch(/^row-0 +[01] +1 +Local judge .*…$/);
    expect(rows[1]).toMatch(/^row-1 +[01] +0 +Local judge /);
    expect(rows[2]).toMatch(/^row-2 +[01] +- +Local judge /);
  });

  it('leave the truth column out when the criteria has no ground truth for these rows', async () => {
    const uid = await f.evaluator.execute({ split: 'test', numRows: 1, sync: true });
    const r = await ok('execution', 'results', String(uid));
    expect(r.stdout.split('\n')[1]).toMatch(/^x_uid +score +rationale \/ error$/);
  });
});

describe('a prompt that shows the judge the ground truth', () => {
  const csv = path.resolve(import.meta.dirname, '../../examples/data/support-answers.csv');
  /** A benchmark on the support answers with one criteria; its ground truth from the helpfulness column when asked. */
  async function criteriaOn(name: string, truthFromColumn: boolean): Promise<number> {
    const d = await json('dataset', 'import', csv, '--name', uniqueName('support'));
    const b = await json('benchmark', 'create', '--dataset', String(d.datasetUid), '--name', uniqueName('leaks'));
    const c = await json(
      'criteria',
      'create',
      '--benchmark',
      String(b.benchmarkUid),
      '--name',
      name,
      '--label',
      'unhelpful=0',
      '--label',
      'partly helpful=1',
      '--label',
      'helpful=2',
    );
    if (truthFromColumn) await ok('criteria', 'ground-truth', String(c.criteriaUid), '--column', 'helpfulness');
    return c.criteriaUid;
  }
  const create = (criteriaUid: number, userPrompt: string) =>
    ok('evaluator', 'create', '--criteria', String(criteriaUid), '--model', 'local-judge', '--user-prompt', userPrompt);

  it('evaluator create and update warn when a template uses the column the ground truth came from (regression: silent)', async () => {
    // Named unlike the column: found by its values, which are the ground truth on every datapoint.
    const criteriaUid = await criteriaOn('quality', true);
    const clean = await create(criteriaUid, 'Q: {{question}} A: {{response}}');
    expect(clean.stderr).not.toMatch(/warning/);
    const uid = /^evaluator (\d+)/.exec(clean.stdout)![1]!;
    const leaking = await ok(
      '--json',
      'evaluator',
      'update',
      uid,
      '--user-prompt',
      'A: {{response}} (rated {{ helpfulness }})',
    );
    const warning =
      'the prompt uses {{helpfulness}}, which looks like the ground truth (it holds the ground truth of criteria ' +
      '"quality" on 30 of its 30 datapoints): the judge would see the answer it is scored against';
    expect(leaking.stderr).toContain(`warning: ${warning}`);
    expect(JSON.parse(leaking.stdout).warnings).toEqual([warning]);
    // The version is made all the same: a warning, not a refusal.
    expect((await json('evaluator', 'versions', uid)).map((v: { name: string }) => v.name)).toEqual(['v1', 'v2']);
    // Carried over, the leaking prompt warns again.
    expect((await ok('evaluator', 'update', uid, '--system-prompt', 'Be strict.')).stderr).toMatch(
      /warning: .*\{\{helpfulness\}\}/,
    );
  });

  it('before any ground truth is set, a column named like the criteria is suspect', async () => {
    const criteriaUid = await criteriaOn('helpfulness', false);
    const r = await create(criteriaUid, 'A: {{response}} ({{helpfulness}})');
    expect(r.stderr).toContain(
      'warning: the prompt uses {{helpfulness}}, which looks like the ground truth (it is named like criteria ' +
        '"helpfulness", whose ground truth it may hold)',
    );
  });
});

describe('benchmark execute --evaluator runs a subset of its evaluators', () => {
  it('runs only the evaluators named, records them, and reports agreement for them alone (regression: every evaluator)', async () => {
    const g = await createEvaluatorFixture(jf, { rows: 3 });
    const second = await PromptEvaluator.create(
      { criteriaUid: g.criteriaUid, name: 'second judge', modelName: 'local-judge', userPrompt: '{{response}}' },
      jf,
    );
    const estimate = await json(
      'benchmark',
      'execute',
      String(g.benchmarkUid),
      '--evaluator',
      String(second.evaluatorUid),
      '--dry-run',
    );
    expect(estimate.executions.map((x: { evaluatorUid: number }) => x.evaluatorUid)).toEqual([second.evaluatorUid]);
    const run = await json(
      'benchmark',
      'execute',
      String(g.benchmarkUid),
      '--evaluator',
      String(second.evaluatorUid),
      '--sync',
    );
    expect(run).toMatchObject({ status: 'completed', evaluatorUids: [second.evaluatorUid] });
    expect(run.agreement.map((a: { evaluatorUid: number }) => a.evaluatorUid)).toEqual([second.evaluatorUid]);
    const { rows } = await jf.db.query<{ evaluator_uid: number }>(
      'SELECT evaluator_uid FROM evaluator_executions WHERE benchmark_execution_uid = $1',
      [run.benchmarkExecutionUid],
    );
    expect(rows.map((r) => r.evaluator_uid)).toEqual([second.evaluatorUid]);
    // Both, named in any order and twice: each runs once.
    const both = await json(
      'benchmark',
      'execute',
      String(g.benchmarkUid),
      '--evaluator',
      String(second.evaluatorUid),
      String(g.evaluatorUid),
      '--evaluator',
      String(g.evaluatorUid),
      '--sync',
    );
    expect(both.evaluatorUids).toEqual([g.evaluatorUid, second.evaluatorUid]);
    expect(both.agreement).toHaveLength(2);
  });

  it('an evaluator not in the benchmark is refused before anything is recorded, naming the ones it has', async () => {
    const g = await createEvaluatorFixture(jf, { rows: 2 });
    const before = await jf.db.query('SELECT 1 FROM benchmark_executions WHERE benchmark_uid = $1', [g.benchmarkUid]);
    const r = await cli('benchmark', 'execute', String(g.benchmarkUid), '--evaluator', String(f.evaluatorUid));
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe(
      `error: evaluator ${f.evaluatorUid} is not a prompt evaluator of benchmark ${g.benchmarkUid}; ` +
        `its prompt evaluators: ${g.evaluatorUid}`,
    );
    const after = await jf.db.query('SELECT 1 FROM benchmark_executions WHERE benchmark_uid = $1', [g.benchmarkUid]);
    expect(after.rowCount).toBe(before.rowCount);
    const benchmark = await Benchmark.get(g.benchmarkUid, jf);
    await expect(benchmark.execute({ evaluatorUids: [f.evaluatorUid] })).rejects.toBeInstanceOf(
      EvaluatorNotInBenchmarkError,
    );
    await expect(benchmark.execute({ evaluatorUids: [] })).rejects.toBeInstanceOf(ValidationError);
  });
});
