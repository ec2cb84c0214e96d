/** Definitions SDK against real PostgreSQL: datasets, benchmarks, criteria, ground truth, slices, evaluators. */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Benchmark,
  Criteria,
  Dataset,
  DuplicateError,
  EmptyDatasetError,
  InvalidGroundTruthError,
  InvalidLabelsError,
  MalformedFileError,
  NotFoundError,
  PromptEvaluator,
  Slice,
  UnknownColumnError,
  UnknownSplitError,
  WrongEvaluatorTypeError,
  type Judgeflow,
} from '../../src';
import { connectTestClient, uniqueName } from '../support/context';
import { insertEvaluator } from '../../src/db/evaluator.repository';

const fixture = (name: string) => path.join(import.meta.dirname, '../fixtures', name);
let jf: Judgeflow;
const count = async (table: string) =>
  (await jf.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`)).rows[0]!.n;

beforeAll(async () => {
  jf = await connectTestClient();
});
afterAll(() => jf?.close());

describe('Dataset', () => {
  it('imports a CSV keeping xUids, splits and user columns in their order', async () => {
    const ds = await Dataset.fromCsv(fixture('small.csv'), { name: uniqueName('csv') });
    expect(ds.columns).toEqual(['question', 'response', 'lang']);
    expect(await ds.countBySplit()).toEqual({ dev: 1, test: 1, train: 1 });
    const rows = await ds.rows();
    expect(rows.map((r) => r.xUid)).toEqual(['q1', 'q2', 'q3']);
    expect(rows[1]).toEqual({
      xUid: 'q2',
      split: 'dev',
      data: { question: 'Capital of France?', response: 'Paris, of course', lang: 'fr' },
    });
    expect((await ds.rows({ split: 'test' })).map((r) => r.data.response)).toEqual(['yes "quoted"']);
  });

  it('imports JSONL and objects, assigning stable xUids when there is no x_uid column', async () => {
    const jsonl = await Dataset.fromJsonl(fixture('small.jsonl'), { name: uniqueName('jsonl') });
    expect(jsonl.columns).toEqual(['question', 'response', 'score_hint', 'extra']);
    expect((await jsonl.rows())[1]?.data.extra).toEqual({ k: 1 });
    const objects = await Dataset.create({
      name: uniqueName('objects'),
      split: 'dev',
      rows: [{ a: 1 }, { a: 2, b: 'x' }],
    });
    expect((await objects.rows()).map((r) => [r.xUid, r.split, r.data])).toEqual([
      ['row-0', 'dev', { a: 1 }],
      ['row-1', 'dev', { a: 2, b: 'x' }],
    ]);
  });

  it('writes nothing for a bad file, and names the line', async () => {
    const before = await count('datapoints');
    const datasets = await count('datasets');
    await expect(Dataset.fromCsv(fixture('bad-columns.csv'), { name: uniqueName('bad') })).rejects.toThrow(/line 3/);
    await expect(Dataset.fromCsv(fixture('duplicate-xuid.csv'), { name: uniqueName('dup') })).rejects.toThrow(
      DuplicateError,
    );
    await expect(Dataset.fromCsv(fixture('duplicate-xuid.csv'), { name: uniqueName('dup') })).rejects.toThrow(
      /"d1".*line 3.*line 2/,
    );
    await expect(Dataset.fromJsonl(fixture('bad.jsonl'), { name: uniqueName('bad') })).rejects.toThrow(
      MalformedFileError,
    );
    await expect(Dataset.fromCsv(fixture('empty.csv'), { name: uniqueName('empty') })).rejects.toThrow(
      EmptyDatasetError,
    );
    await expect(Dataset.create({ name: uniqueName('nosplit'), rows: [{ a: 1 }] })).rejects.toThrow(/rows\[0\].*split/);
    expect(await count('datapoints')).toBe(before);
    expect(await count('datasets')).toBe(datasets);
  });

  it('refuses a duplicate dataset name after its first import', async () => {
    const name = uniqueName('same');
    await Dataset.create({ name, split: 'dev', rows: [{ a: 1 }] });
    await expect(Dataset.create({ name, split: 'dev', rows: [{ a: 1 }] })).rejects.toThrow(DuplicateError);
  });
});

describe('Benchmark, Criteria and ground truth', () => {
  it('creates, gets and lists them', async () => {
    const ds = await Dataset.fromCsv(fixture('small.csv'), { name: uniqueName('gt') });
    const b = await Benchmark.create({ name: uniqueName('bench'), description: 'desc', datasetUid: ds.datasetUid });
    expect((await Benchmark.get(b.benchmarkUid)).description).toBe('desc');
    expect((await Benchmark.list()).map((x) => x.benchmarkUid)).toContain(b.benchmarkUid);

    const c = await Criteria.create({
      benchmarkUid: b.benchmarkUid,
      name: 'correctness',
      labels: [
        { name: 'wrong', score: 0, description: 'incorrect' },
        { name: 'right', score: 1 },
      ],
      requiresRationale: false,
    });
    expect((await Criteria.get(c.criteriaUid)).labels).toEqual([
      { name: 'wrong', score: 0, description: 'incorrect' },
      { name: 'right', score: 1, description: '' },
    ]);
    expect((await b.criteria()).map((x) => x.name)).toEqual(['correctness']);

    expect(await c.setGroundTruth({ q1: 1, q2: 'wrong' })).toBe(2);
    expect(await c.setGroundTruth([{ xUid: 'q3', label: 'RIGHT' }])).toBe(1);
    expect(await c.getGroundTruth()).toEqual({ q1: 1, q2: 0, q3: 1 });
    await expect(c.setGroundTruth({ q1: 7 })).rejects.toThrow(InvalidGroundTruthError);
    await expect(c.setGroundTruth({ q1: 7 })).rejects.toThrow(/7.*0 \(wrong\), 1 \(right\)/);
    await expect(c.setGroundTruth({ nope: 1 })).rejects.toThrow(/"nope"/);
    expect(await c.getGroundTruth()).toEqual({ q1: 1, q2: 0, q3: 1 });
  });

  it('refuses duplicate or non-integer label scores and unknown benchmarks, writing nothing', async () => {
    const ds = await Dataset.create({ name: uniqueName('labels'), split: 'dev', rows: [{ a: 1 }] });
    const b = await Benchmark.create({ name: uniqueName('bench'), datasetUid: ds.datasetUid });
    const before = await count('criteria');
    const two = (s1: number, s2: number) => [
      { name: 'a', score: s1 },
      { name: 'b', score: s2 },
    ];
    await expect(Criteria.create({ benchmarkUid: b.benchmarkUid, name: 'x', labels: two(1, 1) })).rejects.toThrow(
      InvalidLabelsError,
    );
    await expect(Criteria.create({ benchmarkUid: b.benchmarkUid, name: 'x', labels: two(1, 1.5) })).rejects.toThrow(
      /labels\[1\]\.score must be an integer from -2147483647 to 2147483647, got 1\.5/,
    );
    await expect(Criteria.create({ benchmarkUid: 999999, name: 'x', labels: two(0, 1) })).rejects.toThrow(
      NotFoundError,
    );
    await expect(Benchmark.create({ name: uniqueName('b'), datasetUid: 999999 })).rejects.toThrow(NotFoundError);
    expect(await count('criteria')).toBe(before);
  });
});

describe('Slice', () => {
  it('stores membership from xUids or a filter, and lists the slices of a datapoint', async () => {
    const ds = await Dataset.fromCsv(fixture('small.csv'), { name: uniqueName('slices') });
    const b = await Benchmark.create({ name: uniqueName('bench'), datasetUid: ds.datasetUid });
    const english = await Slice.create({
      benchmarkUid: b.benchmarkUid,
      name: 'english',
      filter: { column: 'lang', op: 'eq', value: 'en' },
    });
    expect(await english.members()).toEqual(['q1', 'q3']);
    const picked = await Slice.create({ benchmarkUid: b.benchmarkUid, name: 'picked', xUids: ['q3', 'q2'] });
    expect(await picked.members()).toEqual(['q2', 'q3']);
    const notTest = await Slice.create({
      benchmarkUid: b.benchmarkUid,
      name: 'en-not-test',
      filter: { and: [{ column: 'lang', op: 'eq', value: 'en' }, { not: { split: 'test' } }] },
    });
    expect(await notTest.members()).toEqual(['q1']);
    expect((await Slice.ofDatapoint(b.benchmarkUid, 'q3')).map((s) => s.name)).toEqual(['english', 'picked']);
    expect((await b.slices()).map((s) => [s.name, s.size])).toEqual([
      ['english', 2],
      ['picked', 2],
      ['en-not-test', 1],
    ]);
    await expect(
      Slice.create({ benchmarkUid: b.benchmarkUid, name: 'bad', filter: { split: 'valid' } }),
    ).rejects.toThrow(UnknownSplitError);
    await expect(
      Slice.create({ benchmarkUid: b.benchmarkUid, name: 'bad', filter: { column: 'x', op: 'eq', value: 1 } }),
    ).rejects.toThrow(UnknownColumnError);
    await expect(Slice.create({ benchmarkUid: b.benchmarkUid, name: 'bad', xUids: ['q1', 'zz'] })).rejects.toThrow(
      /"zz"/,
    );
    await expect(Slice.create({ benchmarkUid: b.benchmarkUid, name: 'english', xUids: ['q1'] })).rejects.toThrow(
      DuplicateError,
    );
  });
});

describe('evaluator types', () => {
  it('PromptEvaluator.get refuses an evaluator of another type (a code evaluator, stored directly)', async () => {
    const ds = await Dataset.fromCsv(fixture('small.csv'), { name: uniqueName('types') });
    const b = await Benchmark.create({ name: uniqueName('bench'), datasetUid: ds.datasetUid });
    const c = await Criteria.create({
      benchmarkUid: b.benchmarkUid,
      name: 'c',
      labels: [
        { name: 'no', score: 0 },
        { name: 'yes', score: 1 },
      ],
    });
    // Code evaluators are not part of the public API; the schema keeps their type, so benchmarks can hold them.
    const code = {
      evaluatorUid: await insertEvaluator(jf.db, {
        type: 'code',
        name: 'regex check',
        benchmarkUid: b.benchmarkUid,
        criteriaUid: c.criteriaUid,
        promptWorkflowUid: null,
      }),
    };
    await expect(PromptEvaluator.get(code.evaluatorUid)).rejects.toThrow(WrongEvaluatorTypeError);
    await expect(PromptEvaluator.get(code.evaluatorUid)).rejects.toThrow(
      new RegExp(`evaluator ${code.evaluatorUid} is a code evaluator, not a prompt evaluator`),
    );
    await PromptEvaluator.create({ criteriaUid: c.criteriaUid, userPrompt: '{{response}}', modelName: 'm' });
    await expect(PromptEvaluator.get(424242)).rejects.toThrow(NotFoundError);
    expect((await b.evaluators()).map((e) => e.type)).toEqual(['code', 'prompt']);
  });
});
