/**
 * Regression tests of the inputs an adversarial probe found reaching raw errors or silent damage: a row without its
 * `constructor` or `toString` column was rendered as "undefined" and paid for, a `__proto__` column was dropped,
 * a slice filter on `constructor` threw TypeError; NUL characters, lone surrogates, a 5,000-character x_uid, deep
 * nesting, `--budget-tokens 0.5` reached PostgreSQL or V8 as raw errors and `0x10` was read as 16; invalid UTF-8
 * became U+FFFD, a JSONL byte order mark was refused, an x_uid of `true` became `row-0`; `dataset list` read every
 * column name of a million-column dataset. Real PostgreSQL, Temporal, the judge server and the command line.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Benchmark,
  Criteria,
  Dataset,
  InvalidBudgetError,
  MalformedFileError,
  PromptEvaluator,
  Slice,
  ValidationError,
  type Judgeflow,
} from '../../src';
import { runCli } from '../support/cli';
import { uniqueName } from '../support/context';
import { createEvaluatorFixture, type EvaluatorFixture } from '../support/fixtures';
import { startJudgedClient, type JudgedClient } from '../support/judged-client';

let stack: JudgedClient;
let jf: Judgeflow;
let f: EvaluatorFixture;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'judgeflow-hostile-'));

beforeAll(async () => {
  stack = await startJudgedClient(`hostile-inputs-${process.pid}`);
  jf = stack.jf;
  f = await createEvaluatorFixture(jf, { rows: 2 });
});

afterAll(async () => {
  await stack?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

const count = async (table: string) =>
  (await jf.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`)).rows[0]!.n;

/** A file of these bytes (strings as UTF-8). */
function file(name: string, ...parts: (string | Buffer)[]): string {
  const at = path.join(dir, name);
  fs.writeFileSync(at, Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : p))));
  return at;
}

/** A benchmark, a 0/1 criteria and a prompt evaluator on the local judge over `ds`. */
async function evaluatorOn(ds: Dataset, userPrompt: string) {
  const benchmark = await Benchmark.create({ name: uniqueName('hostile'), datasetUid: ds.datasetUid }, jf);
  const criteria = await Criteria.create(
    {
      benchmarkUid: benchmark.benchmarkUid,
      name: 'ok',
      labels: [
        { name: 'no', score: 0 },
        { name: 'yes', score: 1 },
      ],
    },
    jf,
  );
  const evaluator = await PromptEvaluator.create(
    { criteriaUid: criteria.criteriaUid, userPrompt, modelName: 'local-judge' },
    jf,
  );
  return { benchmark, criteria, evaluator };
}

describe("rows are read by their own columns only (not Object.prototype's)", () => {
  it('a row without its constructor or toString column is an unrenderable row error, and the model is not called for it', async () => {
    const ds = await Dataset.create(
      {
        name: uniqueName('own-columns'),
        split: 'test',
        rows: [
          { x_uid: 'both', constructor: 'a builder', toString: 'a printer' },
          { x_uid: 'no-constructor', toString: 'a printer' },
          { x_uid: 'no-toString', constructor: 'a builder' },
        ],
      },
      jf,
    );
    const { evaluator } = await evaluatorOn(ds, 'Who: {{constructor}} / {{toString}}');
    stack.judge.resetStats();
    const uid = await evaluator.execute({ split: 'test', sync: true });
    const [status, results] = await evaluator.pollExecutionResult(uid);
    expect(status).toBe('completed');
    expect(typeof results.both?.score).toBe('number');
    expect(results['no-constructor']).toMatchObject({ score: null, errorKind: 'unrenderable' });
    expect(results['no-constructor']?.error).toMatch(/no value for template variable \{\{constructor\}\}/);
    expect(results['no-toString']).toMatchObject({ score: null, errorKind: 'unrenderable' });
    // One model call, for the one row that renders: the others were never sent, never paid.
    expect(stack.judge.stats().requests).toBe(1);
  });

  it('a __proto__ column is kept as data: listed, stored, and rendered into the prompt', async () => {
    const jsonl = file(
      'proto.jsonl',
      '{"x_uid":"p1","split":"test","__proto__":"[[judge:score=1]]"}\n',
      '{"x_uid":"p0","split":"test","__proto__":"[[judge:score=0]]"}\n',
    );
    const ds = await Dataset.fromJsonl(jsonl, { name: uniqueName('proto') }, jf);
    expect(ds.columns).toEqual(['__proto__']);
    const rows = await ds.rows();
    expect(rows.map((r) => Object.hasOwn(r.data, '__proto__') && r.data.__proto__)).toEqual([
      '[[judge:score=1]]',
      '[[judge:score=0]]',
    ]);
    // The judge server scores a [[judge:score=N]] hint as N: each score proves that row's value was in its prompt.
    const { evaluator } = await evaluatorOn(ds, 'Answer: {{__proto__}}');
    const uid = await evaluator.execute({ split: 'test', sync: true });
    const [, results] = await evaluator.pollExecutionResult(uid);
    expect([results.p1?.score, results.p0?.score]).toEqual([1, 0]);
  });

  it('a slice filter on a constructor column matches the rows that have it (no TypeError for the others)', async () => {
    const ds = await Dataset.create(
      {
        name: uniqueName('slice-constructor'),
        split: 'test',
        rows: [
          { x_uid: 'a', constructor: 'Builder' },
          { x_uid: 'b', other: 'x' },
        ],
      },
      jf,
    );
    const b = await Benchmark.create({ name: uniqueName('slice-constructor'), datasetUid: ds.datasetUid }, jf);
    const slice = await Slice.create(
      {
        benchmarkUid: b.benchmarkUid,
        name: 'builders',
        filter: { column: 'constructor', op: 'contains', value: 'build' },
      },
      jf,
    );
    expect(await slice.members()).toEqual(['a']);
  });

  it('criteria ground-truth --column constructor takes the rows that have the column and skips the others', async () => {
    const ds = await Dataset.create(
      {
        name: uniqueName('truth-constructor'),
        split: 'test',
        rows: [
          { x_uid: 'a', constructor: 'yes' },
          { x_uid: 'b', other: 1 },
        ],
      },
      jf,
    );
    const { criteria } = await evaluatorOn(ds, '{{other}}');
    const r = await runCli(jf.config.temporal.taskQueue, [
      'criteria',
      'ground-truth',
      String(criteria.criteriaUid),
      '--column',
      'constructor',
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(await criteria.getGroundTruth()).toEqual({ a: 1 });
  });
});

describe('a file PostgreSQL or V8 cannot take is refused at import, naming the line and the rule; nothing is written', () => {
  const good = '{"x_uid":"ok","split":"test","t":"fine"}\n';
  /** Random text that does not compress: PostgreSQL stores short strings of one letter compressed. */
  const incompressible = (n: number) => randomBytes(n).toString('base64').slice(0, n);
  it.each<[string, () => string, RegExp]>([
    [
      'a NUL character',
      () => file('nul.jsonl', good, '{"x_uid":"n","split":"test","t":"a\\u0000b"}\n'),
      /nul\.jsonl: line 2: column "t" contains a NUL character \(U\+0000\) at character 2/,
    ],
    [
      'a lone surrogate',
      () => file('surrogate.jsonl', good, '{"x_uid":"s","split":"test","t":{"k":["\\udc00"]}}\n'),
      /surrogate\.jsonl: line 2: column "t" at \.k\[0\] contains a lone UTF-16 surrogate \(U\+DC00\)/,
    ],
    [
      'a 5,000-character x_uid',
      () => file('long-id.csv', 'x_uid,split,t\nok,test,1\n', `${incompressible(5000)},test,2\n`),
      /long-id\.csv: line 3: x_uid must be at most 512 characters, got ".*"… \(a 5,000-character string\)/,
    ],
    [
      'nesting 100,000 levels deep',
      () => file('deep.jsonl', `{"x_uid":"d","split":"test","t":${'['.repeat(100_000)}${']'.repeat(100_000)}}\n`),
      /deep\.jsonl: line 1: column "t" nests arrays or objects deeper than 100 levels/,
    ],
    [
      'an x_uid of true',
      () => file('true-id.jsonl', good, '{"x_uid":true,"split":"test","t":"x"}\n'),
      /true-id\.jsonl: line 2: x_uid must be a string or a number, got true/,
    ],
    [
      'bytes that are not UTF-8',
      () => file('latin1.csv', 'x_uid,split,t\nok,test,fine\n', 'e,test,caf', Buffer.from([0xe9]), '\n'),
      /latin1\.csv: line 3: not valid UTF-8/,
    ],
    [
      '10,001 columns',
      () => {
        const names = Array.from({ length: 10_001 }, (_, i) => `c${i}`).join(',');
        return file('wide.csv', `${names}\n${names}\n`);
      },
      /wide\.csv: line 1: more than 10,000 columns: a dataset has at most 10,000/,
    ],
  ])('%s', async (_case, write, message) => {
    const at = write();
    const datasets = await count('datasets');
    const read = at.endsWith('.csv')
      ? Dataset.fromCsv(at, { name: uniqueName('hostile-file') }, jf)
      : Dataset.fromJsonl(at, { name: uniqueName('hostile-file') }, jf);
    const err = await read.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MalformedFileError);
    expect((err as Error).message).toMatch(message);
    expect(await count('datasets')).toBe(datasets);
  });

  it('a JSONL file with a byte order mark imports, as a CSV file with one does', async () => {
    const bom = Buffer.from([0xef, 0xbb, 0xbf]);
    const jsonl = await Dataset.fromJsonl(file('bom.jsonl', bom, good), { name: uniqueName('bom') }, jf);
    const csv = await Dataset.fromCsv(
      file('bom.csv', bom, 'x_uid,split,t\nok,test,fine\n'),
      { name: uniqueName('bom') },
      jf,
    );
    for (const ds of [jsonl, csv]) {
      expect(ds.columns).toEqual(['t']);
      expect(await ds.rows()).toEqual([{ xUid: 'ok', split: 'test', data: { t: 'fine' } }]);
    }
  });

  it('objects get the same rules, naming rows[i]; names and splits PostgreSQL cannot store are refused too', async () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const datasets = await count('datasets');
    const refused: [() => Promise<unknown>, RegExp][] = [
      [
        () => Dataset.create({ name: uniqueName('o'), split: 'test', rows: [{ t: 'ok' }, { t: 'a\u0000' }] }, jf),
        /rows\[1\]: column "t" contains a NUL character/,
      ],
      [
        () => Dataset.create({ name: uniqueName('o'), split: 'test', rows: [{ x_uid: true, t: 1 }] }, jf),
        /rows\[0\]: x_uid must be a string or a number, got true/,
      ],
      [
        () => Dataset.create({ name: uniqueName('o'), split: 'test', rows: [{ t: cyclic }] }, jf),
        /rows\[0\]: column "t" nests arrays or objects deeper than 100 levels/,
      ],
      [
        () => Dataset.create({ name: `${uniqueName('o')}\u0000`, split: 'test', rows: [{ t: 1 }] }, jf),
        /dataset name contains a NUL character/,
      ],
      [
        () => Dataset.create({ name: uniqueName('o'), split: incompressible(5000), rows: [{ t: 1 }] }, jf),
        /split must be at most 256 characters/,
      ],
      [
        () => Benchmark.create({ name: `${uniqueName('b')}\ud800`, datasetUid: f.datasetUid }, jf),
        /benchmark name contains a lone UTF-16 surrogate \(U\+D800\)/,
      ],
    ];
    for (const [call, message] of refused) {
      const err = await call().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ValidationError);
      expect((err as Error).message).toMatch(message);
    }
    expect(await count('datasets')).toBe(datasets);
  });
});

describe('token budgets are whole numbers, and the command line reads numbers in plain decimal', () => {
  it('execute({ budget: { maxTokens: 0.5 } }) is refused before anything starts', async () => {
    const executions = await count('evaluator_executions');
    const err = await f.evaluator.execute({ split: 'test', budget: { maxTokens: 0.5 } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidBudgetError);
    expect((err as Error).message).toMatch(/maxTokens must be a whole number of tokens .*got 0\.5/);
    expect(await count('evaluator_executions')).toBe(executions);
  });

  it.each([
    ['--budget-tokens', '0.5', /expected a positive whole number of tokens/],
    ['--budget-tokens', '0x10', /expected a positive whole number of tokens/],
    ['--budget-usd', '0x10', /expected a positive number in plain decimal/],
  ])('evaluator execute %s %s: one line naming the option, nothing started', async (option, value, message) => {
    const executions = await count('evaluator_executions');
    const r = await runCli(jf.config.temporal.taskQueue, [
      'evaluator',
      'execute',
      String(f.evaluatorUid),
      '--split',
      'test',
      option,
      value,
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain(`option '${option} <`);
    expect(r.stderr).toContain(`'${value}' is invalid`);
    expect(r.stderr).toMatch(message);
    expect(await count('evaluator_executions')).toBe(executions);
  });
});

describe('dataset list', () => {
  it('shows a very wide dataset by its column count and first names, not every name', async () => {
    // Inserted directly: imports now stop at 10,000 columns, but a database may hold wider datasets from before.
    const name = uniqueName('very-wide');
    await jf.db.query(
      `INSERT INTO datasets (name, columns) SELECT $1, jsonb_agg('c' || i ORDER BY i) FROM generate_series(0, 199999) i`,
      [name],
    );
    const human = await runCli(jf.config.temporal.taskQueue, ['dataset', 'list']);
    expect(human.code).toBe(0);
    const line = human.stdout.split('\n').find((l) => l.includes(name));
    expect(line).toMatch(/c0, c1, c2, c3, c4, c5, c6, c7, c8, c9, .*, … \(\+199,9\d\d more\)$/);
    expect(line!.length).toBeLessThan(200);

    const json = await runCli(jf.config.temporal.taskQueue, ['--json', 'dataset', 'list']);
    const listed = (JSON.parse(json.stdout) as { name: string; columnCount: number; columns: string[] }[]).find(
      (d) => d.name === name,
    );
    expect(listed?.columnCount).toBe(200_000);
    expect(listed?.columns).toEqual(Array.from({ length: 100 }, (_, i) => `c${i}`));
  });
});
