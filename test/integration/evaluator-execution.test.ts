/**
 * Evaluator executions end to end on the real dev server, PostgreSQL and the real openai client talking to the
 * local judge server: execute, poll, results, executions list, progress, continue-as-new, bad input.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Benchmark } from '../../src/sdk/Benchmark';
import type { Judgeflow } from '../../src/sdk/Judgeflow';
import { localJudgeScore } from '../../tools/judge-server';
import {
  InvalidConcurrencyError,
  InvalidNumRowsError,
  ModelNotConfiguredError,
  UnknownSplitError,
  UnknownVersionError,
} from '../../src/errors';
import { NotFoundError } from '../../src/errors';
import { addPromptVersion, createEvaluatorFixture, type EvaluatorFixture } from '../support/fixtures';
import { startJudgedClient, type JudgedClient } from '../support/judged-client';
import { scoredRows, waitUntil } from '../support/results';
import { evaluatorExecutionWorkflowId } from '../../src/shared/workflow-ids';

let stack: JudgedClient;
let jf: Judgeflow;

beforeAll(async () => {
  stack = await startJudgedClient(`executions-${process.pid}`);
  ({ jf } = stack);
});

afterAll(async () => {
  await stack?.stop();
});

/** The user message the judge sees for fixture row i (see createEvaluatorFixture's default prompt). */
const userText = (i: number) => `Question: question ${i}\nAnswer: answer ${i}`;

describe('execute with sync', () => {
  it('scores every row of the split, as the judge answered, and records completion', async () => {
    const f = await createEvaluatorFixture(jf, { rows: 12, scores: [1, 2, 3] });
    const uid = await f.evaluator.execute({ split: 'test', sync: true });

    const [status, results] = await f.evaluator.pollExecutionResult(uid);
    expect(status).toBe('completed');
    expect(Object.keys(results)).toHaveLength(12);
    for (let i = 0; i < 12; i++) {
      const r = results[`row-${i}`];
      expect(r?.score).toBe(localJudgeScore(userText(i), [1, 2, 3]));
      expect(typeof r?.rationale).toBe('string');
    }
    // Token usage and latency are stored per row.
    const { rows } = await jf.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM evaluator_results WHERE execution_uid = $1 AND prompt_tokens > 0 AND latency_ms >= 0`,
      [uid],
    );
    expect(rows[0]?.n).toBe(12);
  });
});

describe('what Temporal sees', () => {
  it('workflow history carries uids and counters only: no API key, prompt or row contents', async () => {
    const f = await createEvaluatorFixture(jf, { rows: 3, userPrompt: 'SECRET-PROMPT {{question}} {{response}}' });
    const uid = await f.evaluator.execute({ split: 'test', sync: true });
    const history = await (
      await jf.temporal()
    ).workflow
      .getHandle(evaluatorExecutionWorkflowId(jf.instanceId, f.evaluatorUid, uid))
      .fetchHistory();
    // Payload bytes come out of the history's JSON form as base64: decode them to search their text.
    const payloads: string[] = [];
    const json = JSON.stringify(history, (key, v) => {
      if (key === 'data' && typeof v === 'string') payloads.push(Buffer.from(v, 'base64').toString('utf8'));
      return v;
    });
    const text = `${json}\n${payloads.join('\n')}`;
    expect(text).toContain(`"executionUid":${uid}`);
    for (const secret of ['test-key', 'SECRET-PROMPT', 'question 1', 'answer 2', 'Local judge'])
      expect(text).not.toContain(secret);
  });
});

describe('execute without sync, then poll (reference Example 1)', () => {
  it('reports running with partial results, then completed with all of them', async () => {
    const f = await createEvaluatorFixture(jf, { rows: 30, modelName: 'local-judge:latency=50' });
    const uid = await f.evaluator.execute({ split: 'test', numRows: 20, concurrency: 2 });
    const seen: string[] = [];
    let results = {};
    await waitUntil('the execution ends', async () => {
      const [status, partial] = await f.evaluator.pollExecutionResult(uid);
      seen.push(status);
      results = partial;
      return status === 'completed' || status === 'failed';
    });
    expect(seen[0]).toBe('running');
    expect(seen.at(-1)).toBe('completed');
    // numRows: the first 20 rows of the split in dataset order, no others.
    expect(Object.keys(results).sort()).toEqual(f.xUids.slice(0, 20).sort());
  });
});

describe('versions and executions list', () => {
  it('uses the named version, else the latest, and lists executions oldest first', async () => {
    const f = await createEvaluatorFixture(jf, { rows: 3 });
    await addPromptVersion(jf.db, f.promptWorkflowUid, 'v2', 'local-judge', 'Only the answer: {{response}}');
    const first = await f.evaluator.execute({ split: 'test', versionName: 'v1', sync: true });
    const second = await f.evaluator.execute({ split: 'test', sync: true });
    const executions = await f.evaluator.getExecutions();
    expect(executions.map((e) => [e.executionUid, e.promptVersionName, e.status])).toEqual([
      [first, 'v1', 'completed'],
      [second, 'v2', 'completed'],
    ]);
    expect(executions[0]!.createdAt.getTime()).toBeLessThanOrEqual(executions[1]!.createdAt.getTime());
    const v2 = await f.evaluator.getExecutionResult(second);
    expect(v2['row-1']?.score).toBe(localJudgeScore('Only the answer: answer 1', [0, 1]));
  });
});

describe('continue-as-new', () => {
  const runsOf = async (f: EvaluatorFixture, uid: number) => {
    const statuses: string[] = [];
    const temporal = await jf.temporal();
    for await (const wf of temporal.workflow.list({
      query: `WorkflowId = '${evaluatorExecutionWorkflowId(jf.instanceId, f.evaluatorUid, uid)}'`,
    })) {
      statuses.push(wf.status.name);
    }
    return statuses;
  };
  const scored = (uid: number) => scoredRows(jf.db, { executionUid: uid });

  it("continues-as-new when Temporal suggests it (the test server's threshold is lowered) and scores every row once", async () => {
    // About one event per row (a local activity's marker), and the suggestion arrives with a workflow task (about
    // every 1.6 s while rows run): rows enough, and slow enough, to pass the threshold before the end.
    const f = await createEvaluatorFixture(jf, { rows: 600, modelName: 'local-judge:latency=60' });
    const uid = await f.evaluator.execute({ split: 'test', concurrency: 16, sync: true });
    expect(await scored(uid)).toEqual({ n: 600, distinct: 600 });
    const runs = await runsOf(f, uid);
    expect(runs.length).toBeGreaterThanOrEqual(2);
    expect(runs.filter((s) => s === 'CONTINUED_AS_NEW').length).toBe(runs.length - 1);
    expect((await f.evaluator.pollExecutionResult(uid))[0]).toBe('completed');
  });

  it('continues-as-new after every page of rows', async () => {
    const f = await createEvaluatorFixture(jf, { rows: 100 });
    const uid = await f.evaluator.execute({ split: 'test', concurrency: 16, pageSize: 40, sync: true });
    expect(await scored(uid)).toEqual({ n: 100, distinct: 100 });
    // 40 + 40 + 20 rows: three runs, the last one ending on a short page.
    expect((await runsOf(f, uid)).length).toBe(3);
  });
});

describe('progress query', () => {
  it('answers counts, histogram and recent rows from workflow state while running', async () => {
    const f = await createEvaluatorFixture(jf, { rows: 20, modelName: 'local-judge:latency=300' });
    const uid = await f.evaluator.execute({ split: 'test', concurrency: 2 });
    let progress = await f.evaluator.getExecutionProgress(uid);
    await waitUntil(
      '2 rows are done',
      async () => (progress = await f.evaluator.getExecutionProgress(uid)).done >= 2,
      10_000,
    );
    expect(progress.status).toBe('running');
    expect(progress.total).toBe(20);
    expect(progress.done).toBeGreaterThanOrEqual(2);
    expect(progress.inFlight).toBeLessThanOrEqual(2);
    expect(Object.values(progress.histogram).reduce((a, b) => a + b, 0)).toBe(progress.done - progress.errors);
    expect(progress.recent.length).toBeGreaterThan(0);
    const [status] = await f.evaluator.pollExecutionResult(uid, { sync: true });
    expect(status).toBe('completed');
  });
});

describe('bad input is refused before anything starts', () => {
  let f: EvaluatorFixture;
  beforeAll(async () => {
    f = await createEvaluatorFixture(jf, { rows: 2 });
  });
  const count = async () =>
    (
      await jf.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM evaluator_executions WHERE evaluator_uid = $1`, [
        f.evaluatorUid,
      ])
    ).rows[0]?.n;

  it('rejects each bad value with a typed error naming it', async () => {
    await expect(f.evaluator.execute({ split: 'nope' })).rejects.toThrow(UnknownSplitError);
    await expect(f.evaluator.execute({ split: 'nope' })).rejects.toThrow(/"nope".*available splits: "test"/);
    for (const numRows of [0, -1, 1.5]) {
      await expect(f.evaluator.execute({ split: 'test', numRows })).rejects.toThrow(InvalidNumRowsError);
    }
    await expect(f.evaluator.execute({ split: 'test', versionName: 'v9' })).rejects.toThrow(UnknownVersionError);
    await expect(f.evaluator.execute({ split: 'test', concurrency: 10_000 })).rejects.toThrow(InvalidConcurrencyError);
    const models = jf.config.models;
    jf.config.models = ['gpt-4o'];
    await expect(f.evaluator.execute({ split: 'test' })).rejects.toThrow(ModelNotConfiguredError);
    jf.config.models = models;
    expect(await count()).toBe(0);
  });

  it('a benchmark run and its estimate refuse the same splits (regression: `splits: []` was estimated as 0 rows)', async () => {
    const benchmark = await Benchmark.get(f.benchmarkUid, jf);
    for (const splits of [[], ['nope']]) {
      await expect(benchmark.estimate({ splits })).rejects.toThrow(UnknownSplitError);
      await expect(benchmark.execute({ splits })).rejects.toThrow(UnknownSplitError);
    }
    expect((await benchmark.estimate({})).executions.map((e) => e.split)).toEqual(['test']);
  });

  it('polls an unknown execution as unknown, and refuses to read its results', async () => {
    expect(await f.evaluator.pollExecutionResult(987654)).toEqual(['unknown', {}]);
    await expect(f.evaluator.getExecutionResult(987654)).rejects.toThrow(NotFoundError);
  });
});
