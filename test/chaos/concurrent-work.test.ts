/**
 * Chaos: everything at once — five executions of different evaluators, a benchmark execution and an export on one
 * worker. Each must come out exactly as it would alone: the local judge is deterministic, so the same prompt on
 * the same datapoint gets the same score in every execution, and the export holds what PostgreSQL holds.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Benchmark } from '../../src/sdk/Benchmark';
import { createEvaluatorFixture } from '../support/fixtures';
import { startJudgedClient, type JudgedClient } from '../support/judged-client';
import { accountRows, recordOutcome } from './chaos-support';

let stack: JudgedClient;

beforeAll(async () => {
  stack = await startJudgedClient(`chaos-concurrent-${process.pid}`);
});

afterAll(async () => {
  await stack?.stop();
});

it('five executions, a benchmark execution and an export at once all come out right', async () => {
  const { jf } = stack;
  const rows = 120;
  const fixtures = await Promise.all(
    Array.from({ length: 6 }, (_, i) =>
      createEvaluatorFixture(jf, { rows, modelName: `local-judge:latency=${20 + 10 * i}` }),
    ),
  );
  const exported = await createEvaluatorFixture(jf, { rows });
  const done = await (await Benchmark.get(exported.benchmarkUid, jf)).execute({ sync: true, splits: ['test'] });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'judgeflow-chaos-concurrent-'));
  try {
    const started = Date.now();
    const [uids, benchmarkRun] = await Promise.all([
      Promise.all(fixtures.slice(0, 5).map((f, i) => f.evaluator.execute({ split: 'test', concurrency: 4 + i }))),
      (await Benchmark.get(fixtures[5]!.benchmarkUid, jf)).execute({ splits: ['test'] }),
      done.export(path.join(dir, 'export.json')),
    ]);
    const statuses = await Promise.all(
      uids.map(async (uid, i) => (await fixtures[i]!.evaluator.pollExecutionResult(uid, { sync: true }))[0]),
    );
    expect(statuses).toEqual(uids.map(() => 'completed'));
    expect(await benchmarkRun.wait()).toBe('completed');
    const seconds = (Date.now() - started) / 1000;

    // Same datapoint, same prompt, same deterministic judge: the same score in every execution.
    const scoresOf = async (executionUid: number) =>
      (
        await jf.db.query<{ x_uid: string; score: number }>(
          `SELECT x_uid, score FROM evaluator_results WHERE execution_uid = $1 ORDER BY x_uid`,
          [executionUid],
        )
      ).rows;
    const reference = await scoresOf(uids[0]!);
    expect(reference).toHaveLength(rows);
    for (const uid of uids) {
      expect(await accountRows(jf.db, uid)).toMatchObject({ results: rows, scored: rows, lost: 0, duplicated: 0 });
      expect(await scoresOf(uid)).toEqual(reference);
    }
    const { rows: children } = await jf.db.query<{ uid: number }>(
      `SELECT uid FROM evaluator_executions WHERE benchmark_execution_uid = $1`,
      [benchmarkRun.benchmarkExecutionUid],
    );
    // One prompt evaluator on one split: exactly one evaluator execution, so the loop below checks something.
    expect(children).toHaveLength(1);
    for (const child of children) expect(await scoresOf(child.uid)).toEqual(reference);

    // The export ran alongside, over a benchmark execution of the same rows: it holds the same scores.
    const doc = JSON.parse(fs.readFileSync(path.join(dir, 'export.json'), 'utf8')) as {
      datapoints: { x_uid: string; evaluations: Record<string, { score: number | null }> }[];
    };
    expect(doc.datapoints).toHaveLength(rows);
    const exportedScores = doc.datapoints
      .map((d) => ({ x_uid: d.x_uid, score: Object.values(d.evaluations)[0]?.score }))
      .sort((a, b) => a.x_uid.localeCompare(b.x_uid));
    expect(exportedScores).toEqual(reference);
    recordOutcome('8-concurrent-work', {
      scenario: '8. five executions, a benchmark execution and an export at once',
      runs: `6 × ${rows} rows on one worker, C=4..8, plus a ${rows}-row JSON export`,
      outcome: `all completed in ${seconds.toFixed(1)} s; every execution scored every row exactly as the others did`,
      rowsLost: 0,
      duplicated: 0,
      extraCalls: 0,
    });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
