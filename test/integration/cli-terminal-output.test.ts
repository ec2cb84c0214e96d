/**
 * Human output of the command line on hostile data: control sequences stored in names, column names, rationales and
 * row errors (an OSC 8 link, a screen clear, a carriage return, a bell, line breaks) reach the terminal only as
 * visible stand-ins, and a line break in a cell never prints a row of its own. `--json` keeps the data as it is.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Judgeflow } from '../../src';
import { runCli, type CliRun } from '../support/cli';
import { createEvaluatorFixture, type EvaluatorFixture } from '../support/fixtures';
import { startJudgedClient, type JudgedClient } from '../support/judged-client';

/** What a hostile dataset or a model steered by one could store. */
const EVIL = '\x1b]8;;http://evil\x07click\x1b]8;;\x07\x1b[2J\rfake';
/** A long rationale (longer than the results table shows) with line breaks that would print fake rows. */
const RATIONALE = `${'The answer is fine. '.repeat(3)}\nrow-9  1  forged row\n${EVIL}\r\nrow-8  0  another`;
/** ESC, BEL, CR and every other control character but the line feed between lines. */
// eslint-disable-next-line no-control-regex -- what the output must not hold
const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;

let stack: JudgedClient;
let jf: Judgeflow;
let f: EvaluatorFixture;
let executionUid: number;

beforeAll(async () => {
  stack = await startJudgedClient(`cli-terminal-${process.pid}`);
  jf = stack.jf;
  f = await createEvaluatorFixture(jf, { rows: 3 });
  executionUid = await f.evaluator.execute({ split: 'test', sync: true });
  // Stored as they could be by any client, old or new: the command line must print them safely whatever holds them.
  await jf.db.query(`UPDATE datasets SET name = $2, columns = $3 WHERE uid = $1`, [
    f.datasetUid,
    `dataset ${EVIL}\nforged dataset row`,
    // The line break first: `dataset list` cuts long column lists, and the escaped evil column is long.
    JSON.stringify(['question', 'multi\nline', `col ${EVIL}`]),
  ]);
  await jf.db.query(`UPDATE benchmarks SET name = $2, description = $3 WHERE uid = $1`, [
    f.benchmarkUid,
    `bench ${EVIL}`,
    `described\n${EVIL}`,
  ]);
  await jf.db.query(`UPDATE evaluators SET name = $2 WHERE uid = $1`, [f.evaluatorUid, `judge ${EVIL}\nforged`]);
  await jf.db.query(`UPDATE evaluator_results SET rationale = $3 WHERE execution_uid = $1 AND x_uid = $2`, [
    executionUid,
    'row-0',
    RATIONALE,
  ]);
  await jf.db.query(
    `UPDATE evaluator_results SET score = NULL, rationale = NULL, error = $3, error_kind = 'unparseable'
      WHERE execution_uid = $1 AND x_uid = $2`,
    [executionUid, 'row-1', `unparseable answer: ${EVIL}\nrow-7  1  forged`],
  );
});

afterAll(async () => {
  await stack?.stop();
});

const cli = async (...args: string[]) => {
  const r = await runCli(jf.config.temporal.taskQueue, args);
  expect(r.code, r.stderr).toBe(0);
  return r;
};

/** Nothing but printable text and line feeds, and the stand-ins show what the data held. */
function expectSafe(r: CliRun, shown = '␛]8;;http://evil␇click␛]8;;␇␛[2J␍fake') {
  expect(r.stdout).not.toMatch(CONTROL);
  expect(r.stderr).not.toMatch(CONTROL);
  expect(r.stdout).toContain(shown);
}

const lines = (text: string) => text.trimEnd().split('\n');
const count = async (table: string) =>
  (await jf.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`)).rows[0]!.n;

describe('human output of hostile data', () => {
  it('execution results: one line per row, the rationale and the row error escaped', async () => {
    const r = await cli('execution', 'results', String(executionUid));
    // (The table shortens rationales and errors to one line of words, so the CR shows as a space there.)
    expectSafe(r, '␛]8;;http://evil␇click␛]8;;␇␛[2J');
    // `status: …`, the heading, and one line for each of the 3 rows.
    expect(lines(r.stdout)).toHaveLength(5);
    expect(r.stdout).not.toMatch(/^row-[789]/m);
  });

  it('dataset list: one line per dataset, its name and column names escaped', async () => {
    const r = await cli('dataset', 'list');
    expectSafe(r);
    expect(lines(r.stdout)).toHaveLength(1 + (await count('datasets')));
    expect(r.stdout).toContain('multi⏎line');
    expect(r.stdout).not.toMatch(/^forged/m);
  });

  it('benchmark list and show: names, descriptions and the evaluator table escaped', async () => {
    const list = await cli('benchmark', 'list');
    expectSafe(list);
    expect(lines(list.stdout)).toHaveLength(1 + (await count('benchmarks')));
    const show = await cli('benchmark', 'show', String(f.benchmarkUid));
    expectSafe(show);
    expect(show.stdout).not.toMatch(/^forged/m);
    expect(show.stdout).toContain('described⏎␛]8;;');
  });

  it('an error message quoting the data (the columns a benchmark has) is escaped too', async () => {
    const r = await runCli(jf.config.temporal.taskQueue, [
      'criteria',
      'ground-truth',
      String(f.criteriaUid),
      '--column',
      'nosuch',
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).not.toMatch(CONTROL);
    expect(lines(r.stderr)).toHaveLength(1);
    expect(r.stderr).toContain('col ␛]8;;http://evil␇');
  });

  it('--json keeps the data exactly as stored', async () => {
    const r = await cli('--json', 'execution', 'results', String(executionUid));
    const printed = JSON.parse(r.stdout) as { results: Record<string, { rationale: string | null; error?: string }> };
    expect(printed.results['row-0']!.rationale).toBe(RATIONALE);
    expect(printed.results['row-1']!.error).toBe(`unparseable answer: ${EVIL}\nrow-7  1  forged`);
    const list = await cli('--json', 'dataset', 'list');
    const datasets = JSON.parse(list.stdout) as { datasetUid: number; columns: string[] }[];
    expect(datasets.find((d) => d.datasetUid === f.datasetUid)!.columns).toContain(`col ${EVIL}`);
  });
});
