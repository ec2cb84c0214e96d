/**
 * How the command line tells the end of an execution: a completed execution with row errors reads "completed with N
 * errors" (and "(every row)" when none was scored) wherever a person reads its status, while `--json` keeps the
 * reference's `completed` beside the counts. An execution whose every row was refused printed a plain "completed".
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Benchmark, type Judgeflow } from '../../src';
import { runCli } from '../support/cli';
import { createEvaluatorFixture, type EvaluatorFixture } from '../support/fixtures';
import { startJudgedClient, type JudgedClient } from '../support/judged-client';

let stack: JudgedClient;
let jf: Judgeflow;
/** Every row refused by the model. */
let refusing: EvaluatorFixture;
let allErrors: number;
/** A clean run, and one of whose 3 rows one is a row error. */
let scoring: EvaluatorFixture;
let clean: number;
let oneError: number;

beforeAll(async () => {
  stack = await startJudgedClient(`cli-outcome-${process.pid}`);
  jf = stack.jf;
  refusing = await createEvaluatorFixture(jf, { rows: 3, modelName: 'local-judge:refusal' });
  allErrors = await refusing.evaluator.execute({ split: 'test', sync: true });
  scoring = await createEvaluatorFixture(jf, { rows: 3 });
  clean = await scoring.evaluator.execute({ split: 'test', sync: true });
  oneError = await scoring.evaluator.execute({ split: 'test', sync: true });
  // A row the judge could not score, as the worker records one (the local judge scores every row it is asked).
  await jf.db.query(
    `UPDATE evaluator_results SET score = NULL, rationale = NULL, error = 'unparseable answer', error_kind = 'unparseable'
      WHERE execution_uid = $1 AND x_uid = 'row-1'`,
    [oneError],
  );
});

afterAll(async () => {
  await stack?.stop();
});

const cli = async (...args: string[]) => {
  const r = await runCli(jf.config.temporal.taskQueue, args);
  expect(r.code, r.stderr).toBe(0);
  return r.stdout;
};

describe('a completed execution with row errors', () => {
  it('execution status: "completed with 3 errors (every row)" when every row errored; --json keeps "completed"', async () => {
    expect(await cli('execution', 'status', String(allErrors))).toMatch(
      /^status: +completed with 3 errors \(every row\)$/m,
    );
    const json = JSON.parse(await cli('--json', 'execution', 'status', String(allErrors))) as Record<string, unknown>;
    expect(json).toMatchObject({ status: 'completed', done: 3, errors: 3 });
  });

  it('execution status: "completed with 1 error" for one row error, plain "completed" for none', async () => {
    expect(await cli('execution', 'status', String(oneError))).toMatch(/^status: +completed with 1 error$/m);
    expect(await cli('execution', 'status', String(clean))).toMatch(/^status: +completed$/m);
  });

  it('execution watch of the ended execution, and execution results, say it too', async () => {
    expect(await cli('execution', 'watch', String(allErrors))).toContain(
      `execution ${allErrors} completed with 3 errors (every row): 3 rows, 3 errors`,
    );
    expect(await cli('execution', 'results', String(oneError))).toMatch(/^status: completed with 1 error\n/);
  });

  it('evaluator executions lists each with its row errors', async () => {
    const lines = (await cli('evaluator', 'executions', String(scoring.evaluatorUid))).trimEnd().split('\n');
    expect(lines.find((l) => l.startsWith(`${clean} `))).toMatch(/ completed {2}/);
    expect(lines.find((l) => l.startsWith(`${oneError} `))).toContain(' completed with 1 error ');
    const json = JSON.parse(await cli('--json', 'evaluator', 'executions', String(refusing.evaluatorUid))) as unknown[];
    expect(json).toEqual([
      expect.objectContaining({ executionUid: allErrors, status: 'completed', done: 3, errors: 3 }),
    ]);
  });

  it('benchmark executions and benchmark execute count the row errors of all its evaluator executions', async () => {
    const benchmark = await Benchmark.get(refusing.benchmarkUid, jf);
    const run = await benchmark.execute({ sync: true, splits: ['test'] });
    const listed = await cli('benchmark', 'executions', String(refusing.benchmarkUid));
    expect(listed.split('\n').find((l) => l.startsWith(`${run.benchmarkExecutionUid} `))).toContain(
      ' completed with 3 errors (every row) ',
    );
    const executed = await cli('benchmark', 'execute', String(refusing.benchmarkUid), '--splits', 'test', '--sync');
    expect(executed).toMatch(/^status: +completed with 3 errors \(every row\)$/m);
  });
});

describe('the cost of rows whose model has no price', () => {
  it('is null, not 0, in execution status --json, progress --json and the SDK progress; "unknown" in human output', async () => {
    const status = JSON.parse(await cli('--json', 'execution', 'status', String(clean))) as {
      usage: { tokens: number; costUsd: number | null; costUnknownRows: number };
    };
    expect(status.usage.tokens).toBeGreaterThan(0);
    expect(status.usage).toMatchObject({ costUsd: null, costUnknownRows: 3 });
    expect(await cli('execution', 'status', String(clean))).toMatch(/^spend: .*cost unknown for 3 rows \(no price\)/m);

    const progress = JSON.parse(await cli('--json', 'execution', 'progress', String(clean))) as {
      spend: { costUsd: number | null; costUnknownRows: number };
    };
    expect(progress.spend).toMatchObject({ costUsd: null, costUnknownRows: 3 });
    expect((await scoring.evaluator.getExecutionProgress(clean)).spend.costUsd).toBeNull();
  });

  it('is the sum when every paid row has a price', async () => {
    const priced = await createEvaluatorFixture(jf, { rows: 2, modelName: 'local-judge:latency=1' });
    // The worker shares the client's configuration: it prices rows from this table as it stores them.
    const prices = jf.config.spend.prices;
    jf.config.spend.prices = { ...prices, 'local-judge:latency=1': { input: 1, output: 2 } };
    try {
      const uid = await priced.evaluator.execute({ split: 'test', sync: true });
      const status = JSON.parse(await cli('--json', 'execution', 'status', String(uid))) as {
        usage: { promptTokens: number; completionTokens: number; costUsd: number | null; costUnknownRows: number };
      };
      const { promptTokens, completionTokens } = status.usage;
      expect(status.usage.costUnknownRows).toBe(0);
      expect(status.usage.costUsd).toBeCloseTo((promptTokens * 1 + completionTokens * 2) / 1e6, 12);
      expect((await priced.evaluator.getExecutionProgress(uid)).spend.costUsd).toBeCloseTo(status.usage.costUsd!, 12);
    } finally {
      jf.config.spend.prices = prices;
    }
  });
});
