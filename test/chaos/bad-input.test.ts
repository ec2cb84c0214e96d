/**
 * Chaos: the bad-input matrix. Every argument of the public SDK methods (and the command line's) gets values a
 * careless or hostile caller passes — negative, huge, fractional, NaN and string numbers, empty and 1 MB strings,
 * SQL-injection-shaped strings, unicode. Bad values must end in a typed error (a JudgeflowError) that names the
 * value, with no row written and no workflow started; values that are merely unusual (unicode names, quotes)
 * must work and round-trip intact.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Benchmark,
  BenchmarkExecution,
  CsvExportConfig,
  ConnectorConfig,
  Criteria,
  Dataset,
  JudgeflowError,
  PromptEvaluator,
  Slice,
  type Judgeflow,
} from '../../src';
import { runCli } from '../support/cli';
import { createEvaluatorFixture, type EvaluatorFixture } from '../support/fixtures';
import { startJudgedClient, type JudgedClient } from '../support/judged-client';
import { recordOutcome } from './chaos-support';

let stack: JudgedClient;
let jf: Judgeflow;
let f: EvaluatorFixture;

beforeAll(async () => {
  stack = await startJudgedClient(`chaos-bad-input-${process.pid}`);
  jf = stack.jf;
  f = await createEvaluatorFixture(jf, { rows: 5 });
});

afterAll(async () => {
  await stack?.stop();
});

const MB = 'x'.repeat(1024 * 1024);
const INJECTION = `x'); DROP TABLE datasets; --`;
/** How a value should appear in the error message. */
const shown = (v: unknown) => (typeof v === 'string' ? (v.length > 40 ? null : v) : String(v));

const BAD_UIDS: unknown[] = [-1, 0, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53, '7', null, INJECTION];
const BAD_COUNTS: unknown[] = [-1, 0, 1.5, Number.NaN, 2 ** 53, '3', INJECTION];

/** Tables a rejected call must leave alone, counted over what this file owns. */
async function footprint() {
  const { rows } = await jf.db.query<Record<string, number>>(
    `SELECT (SELECT count(*) FROM evaluator_executions WHERE evaluator_uid = $1)::int AS executions,
            (SELECT count(*) FROM benchmark_executions WHERE benchmark_uid = $2)::int AS benchmark_executions,
            (SELECT count(*) FROM criteria WHERE benchmark_uid = $2)::int AS criteria,
            (SELECT count(*) FROM evaluators WHERE benchmark_uid = $2)::int AS evaluators,
            (SELECT count(*) FROM slices WHERE benchmark_uid = $2)::int AS slices,
            (SELECT count(*) FROM prompt_versions WHERE prompt_workflow_uid = $3)::int AS versions,
            (SELECT count(*) FROM datasets WHERE name LIKE 'bad-input-%')::int AS datasets,
            (SELECT count(*) FROM benchmarks WHERE name LIKE 'bad-input-%')::int AS benchmarks,
            (SELECT count(*) FROM connector_configs WHERE name LIKE 'bad-input-%')::int AS connectors`,
    [f.evaluatorUid, f.benchmarkUid, f.promptWorkflowUid],
  );
  const workflows = await (await jf.temporal()).workflow.count(`TaskQueue = '${jf.config.temporal.taskQueue}'`);
  return { ...rows[0], workflows: workflows.count };
}

type Case = [call: string, value: unknown, run: () => Promise<unknown>];

function cases(): Case[] {
  const ev = () => f.evaluator;
  const version = { userPrompt: '{{response}}', modelName: 'local-judge' };
  const list: Case[] = [];
  for (const v of BAD_UIDS) {
    const uid = v as number;
    list.push(
      ['Dataset.get', v, () => Dataset.get(uid, jf)],
      ['Benchmark.get', v, () => Benchmark.get(uid, jf)],
      ['Criteria.get', v, () => Criteria.get(uid, jf)],
      ['Criteria.list', v, () => Criteria.list(uid, jf)],
      ['Slice.get', v, () => Slice.get(uid, jf)],
      ['Slice.list', v, () => Slice.list(uid, jf)],
      ['PromptEvaluator.get', v, () => PromptEvaluator.get(uid, jf)],
      ['BenchmarkExecution.get', v, () => BenchmarkExecution.get(uid, jf)],
      ['ConnectorConfig.get', v, () => ConnectorConfig.get(uid, jf)],
      ['ConnectorConfig.delete', v, () => ConnectorConfig.delete(uid, jf)],
      ['evaluator.pollExecutionResult', v, () => ev().pollExecutionResult(uid)],
      ['evaluator.getExecutionResult', v, () => ev().getExecutionResult(uid)],
      ['evaluator.getExecutionProgress', v, () => ev().getExecutionProgress(uid)],
      ['evaluator.cancelExecution', v, () => ev().cancelExecution(uid)],
      ['Benchmark.create datasetUid', v, () => Benchmark.create({ name: 'bad-input-b', datasetUid: uid }, jf)],
      [
        'Criteria.create benchmarkUid',
        v,
        () =>
          Criteria.create(
            {
              benchmarkUid: uid,
              name: 'c',
              labels: [
                { name: 'a', score: 0 },
                { name: 'b', score: 1 },
              ],
            },
            jf,
          ),
      ],
      ['Slice.create benchmarkUid', v, () => Slice.create({ benchmarkUid: uid, name: 's', xUids: ['row-1'] }, jf)],
      ['PromptEvaluator.create criteriaUid', v, () => PromptEvaluator.create({ criteriaUid: uid, ...version }, jf)],
    );
  }
  for (const v of BAD_COUNTS) {
    const n = v as number;
    list.push(
      ['evaluator.execute numRows', v, () => ev().execute({ split: 'test', numRows: n })],
      ['evaluator.execute concurrency', v, () => ev().execute({ split: 'test', concurrency: n })],
      ['Benchmark.execute numRows', v, async () => (await Benchmark.get(f.benchmarkUid, jf)).execute({ numRows: n })],
    );
  }
  // Label scores may be negative or zero; they must be integers that PostgreSQL can hold.
  for (const v of [1.5, Number.NaN, 2 ** 53, '3', INJECTION, null]) {
    const labels = [
      { name: 'a', score: 0 },
      { name: 'b', score: v as number },
    ];
    list.push([
      'Criteria.create label score',
      v,
      () => Criteria.create({ benchmarkUid: f.benchmarkUid, name: 'bad', labels }, jf),
    ]);
  }
  list.push(
    ['evaluator.execute split', '', () => ev().execute({ split: '' })],
    ['evaluator.execute split', INJECTION, () => ev().execute({ split: INJECTION })],
    ['evaluator.execute versionName', INJECTION, () => ev().execute({ split: 'test', versionName: INJECTION })],
    ['evaluator.execute concurrency', 100_000, () => ev().execute({ split: 'test', concurrency: 100_000 })],
    ['evaluator.update userPrompt', MB, () => ev().update({ userPrompt: MB, modelName: 'local-judge' })],
    ['evaluator.update modelName', '', () => ev().update({ userPrompt: '{{response}}', modelName: '' })],
    ['evaluator.update modelName', MB, () => ev().update({ userPrompt: '{{response}}', modelName: MB })],
    ['evaluator.update versionName', '', () => ev().update({ ...version, versionName: '' })],
    [
      'evaluator.update userPrompt variable',
      '{{no_such_column}}',
      () => ev().update({ userPrompt: '{{no_such_column}}', modelName: 'local-judge' }),
    ],
    ['Benchmark.create name', '', () => Benchmark.create({ name: '', datasetUid: f.datasetUid }, jf)],
    ['Benchmark.create name', MB, () => Benchmark.create({ name: `bad-input-${MB}`, datasetUid: f.datasetUid }, jf)],
    ['Dataset.create name', '', () => Dataset.create({ name: '', rows: [{ x: 1 }] }, jf)],
    ['Dataset.create rows', 'not rows', () => Dataset.create({ name: 'bad-input-d', rows: 'not rows' as never }, jf)],
    [
      'Criteria.create labels',
      '[]',
      () => Criteria.create({ benchmarkUid: f.benchmarkUid, name: 'bad', labels: [] }, jf),
    ],
    [
      'Slice.create xUids',
      INJECTION,
      () => Slice.create({ benchmarkUid: f.benchmarkUid, name: 's', xUids: [INJECTION] }, jf),
    ],
    [
      'ConnectorConfig.create type',
      'ftp',
      () => ConnectorConfig.create({ name: 'bad-input-c', type: 'ftp' as never, credentials: {} }, jf),
    ],
    [
      'BenchmarkExecution.export path',
      'ftp://x/y.json',
      async () => (await firstBenchmarkExecution()).export('ftp://x/y.json'),
    ],
    [
      'BenchmarkExecution.export config',
      '{"format":"csv"}',
      async () =>
        (await firstBenchmarkExecution()).export('/tmp/bad-input.csv', { config: { format: 'csv' } as never }),
    ],
    ['CsvExportConfig sep', INJECTION, async () => new CsvExportConfig({ sep: INJECTION })],
    ['CsvExportConfig quotechar', '', async () => new CsvExportConfig({ quotechar: '' })],
  );
  return list;
}

let benchmarkExecution: BenchmarkExecution | undefined;
async function firstBenchmarkExecution(): Promise<BenchmarkExecution> {
  benchmarkExecution ??= await (await Benchmark.get(f.benchmarkUid, jf)).execute({ sync: true, splits: ['test'] });
  return benchmarkExecution;
}

describe('bad values', () => {
  it('each ends in a typed error naming the value; nothing is written and no workflow starts', async () => {
    await firstBenchmarkExecution();
    const before = await footprint();
    const failures: string[] = [];
    const all = cases();
    for (const [call, value, run] of all) {
      try {
        await run();
        failures.push(`${call}(${String(value).slice(0, 40)}): accepted`);
      } catch (err) {
        const message = (err as Error).message;
        const want = shown(value);
        if (!(err instanceof JudgeflowError))
          failures.push(`${call}(${String(value).slice(0, 40)}): untyped ${(err as Error).name}: ${message}`);
        else if (want !== null && !message.includes(want) && !message.includes(JSON.stringify(value)))
          failures.push(`${call}(${String(value).slice(0, 40)}): message does not name the value: ${message}`);
        else if (message.length > 2_000) failures.push(`${call}: message of ${message.length} characters`);
      }
    }
    if (failures.length) console.log(failures.join('\n'));
    expect(failures).toEqual([]);
    expect(await footprint()).toEqual(before);
    recordOutcome('7-bad-input', {
      scenario: '7. bad-input matrix (SDK and CLI)',
      runs: `${all.length} SDK calls with bad values, plus CLI arguments`,
      outcome: 'each a typed error naming the value; no row written, no workflow started',
      rowsLost: 0,
      duplicated: 0,
      extraCalls: 0,
    });
  });
});

describe('unusual but valid values', () => {
  it('unicode and SQL-injection-shaped names and 1 MB cells are stored and read back intact', async () => {
    const name = `bad-input-名前 ✓ ${INJECTION} ${process.pid}`;
    const ds = await Dataset.create({ name, rows: [{ x_uid: 'ü-1', split: 'test', text: MB, note: 'ñ' }] }, jf);
    expect((await Dataset.get(ds.datasetUid, jf)).name).toBe(name);
    const [row] = await ds.rows();
    expect(row?.xUid).toBe('ü-1');
    expect((row?.data as { text: string }).text).toHaveLength(MB.length);
    const b = await Benchmark.create({ name, datasetUid: ds.datasetUid }, jf);
    expect((await Benchmark.get(b.benchmarkUid, jf)).name).toBe(name);
    const { rows } = await jf.db.query(`SELECT to_regclass('datasets') IS NOT NULL AS ok`);
    expect(rows[0]).toEqual({ ok: true });
  });
});

describe('the command line', () => {
  it.each([
    ['execution', 'status', '-1'],
    ['execution', 'results', '1.5'],
    ['evaluator', 'executions', INJECTION],
    ['execution', 'progress', 'NaN'],
    ['execution', 'cancel', '9007199254740993'],
    ['report', '1', 'abc'],
  ])('%s %s %s: one line naming the value, exit code 1', async (noun, verb, bad) => {
    const r = await runCli(jf.config.temporal.taskQueue, [noun, verb, bad]);
    expect(r.stderr).toContain(bad);
    expect(r.code).not.toBe(0);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(r.stderr).toMatch(/expected a positive integer/);
  });
});
