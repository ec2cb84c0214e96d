/**
 * Regression tests of the inputs an adversarial probe found doing silent damage: a row without its `constructor` or
 * `toString` column was rendered as "undefined" and paid for, a `__proto__` column was dropped, a slice filter on
 * `constructor` threw TypeError. Real PostgreSQL, Temporal, the judge server and the command line.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Benchmark, Criteria, Dataset, PromptEvaluator, Slice, type Judgeflow } from '../../src';
import { runCli } from '../support/cli';
import { uniqueName } from '../support/context';
import { startJudgedClient, type JudgedClient } from '../support/judged-client';

let stack: JudgedClient;
let jf: Judgeflow;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'judgeflow-hostile-'));

beforeAll(async () => {
  stack = await startJudgedClient(`hostile-inputs-${process.pid}`);
  jf = stack.jf;
});

afterAll(async () => {
  await stack?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

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
