/**
 * Evaluator executions end to end on the real dev server, PostgreSQL and the real openai client talking to the
 * local judge server: execute, poll, results, executions list, progress, continue-as-new, bad input.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Judgeflow } from '../../src/sdk/client';
import { createJudgeClient } from '../../src/llm/judge';
import { startJudgeServer, localJudgeScore, type JudgeServer } from '../../src/llm/judge-server';
import {
  getExecutions,
  getProgress,
  getResults,
  pollExecution,
  startExecution,
} from '../../src/sdk/evaluator-executions';
import {
  InvalidConcurrencyError,
  InvalidNumRowsError,
  ModelNotConfiguredError,
  UnknownSplitError,
  UnknownVersionError,
} from '../../src/errors';
import { NotFoundError } from '../../src/errors';
import { connectTestClient } from '../helpers/context';
import { addPromptVersion, createEvaluatorFixture, type EvaluatorFixture } from '../helpers/fixtures';
import { startTestWorker, type TestWorker } from '../helpers/worker';

let jf: Judgeflow;
let judge: JudgeServer;
let worker: TestWorker;

beforeAll(async () => {
  judge = await startJudgeServer();
  jf = await connectTestClient(`executions-${process.pid}`);
  jf.config.openai.baseUrl = judge.url;
  jf.config.openai.apiKey = 'test-key';
  worker = await startTestWorker(jf, createJudgeClient({ baseUrl: judge.url, apiKey: 'test-key' }));
});

afterAll(async () => {
  await worker?.stop();
  await jf?.close();
  await judge?.close();
});

const ref = (f: EvaluatorFixture) => ({ evaluatorUid: f.evaluatorUid, benchmarkUid: f.benchmarkUid, promptWorkflowUid: f.promptWorkflowUid });

/** The user message the judge sees for fixture row i (see createEvaluatorFixture's default prompt). */
const userText = (i: number) => `Question: question ${i}\nAnswer: answer ${i}`;

describe('execute with sync', () => {
  it('scores every row of the split, as the judge answered, and records completion', async () => {
    const f = await createEvaluatorFixture(jf.db, { rows: 12, scores: [1, 2, 3] });
    const uid = await startExecution(jf, ref(f), { split: 'test', sync: true });

    const [status, results] = await pollExecution(jf, f.evaluatorUid, uid);
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
    const f = await createEvaluatorFixture(jf.db, { rows: 3, userPrompt: 'SECRET-PROMPT {{question}} {{response}}' });
    const uid = await startExecution(jf, ref(f), { split: 'test', sync: true });
    const history = await (await jf.temporal()).workflow.getHandle(`evaluator-${f.evaluatorUid}-execution-${uid}`).fetchHistory();
    // Payload bytes come out of the history's JSON form as base64: decode them to search their text.
    const payloads: string[] = [];
    const json = JSON.stringify(history, (key, v) => {
      if (key === 'data' && typeof v === 'string') payloads.push(Buffer.from(v, 'base64').toString('utf8'));
      return v;
    });
    const text = `${json}\n${payloads.join('\n')}`;
    expect(text).toContain(`"executionUid":${uid}`);
    for (const secret of ['test-key', 'SECRET-PROMPT', 'question 1', 'answer 2', 'Local judge']) expect(text).not.toContain(secret);
  });
});

describe('execute without sync, then poll (reference Example 1)', () => {
  it('reports running with partial results, then completed with all of them', async () => {
    const f = await createEvaluatorFixture(jf.db, { rows: 30, modelName: 'local-judge:latency=50' });
    const uid = await startExecution(jf, ref(f), { split: 'test', numRows: 20, concurrency: 2 });
    const seen: string[] = [];
    let results = {};
    for (let i = 0; i < 600; i++) {
      const [status, partial] = await pollExecution(jf, f.evaluatorUid, uid);
      seen.push(status);
      results = partial;
      if (status === 'completed' || status === 'failed') break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(seen[0]).toBe('running');
    expect(seen.at(-1)).toBe('completed');
    // numRows: the first 20 rows of the split in dataset order, no others.
    expect(Object.keys(results).sort()).toEqual(f.xUids.slice(0, 20).sort());
  });
});

describe('versions and executions list', () => {
  it('uses the named version, else the latest, and lists executions oldest first', async () => {
    const f = await createEvaluatorFixture(jf.db, { rows: 3 });
    await addPromptVersion(jf.db, f.promptWorkflowUid, 'v2', 'local-judge', 'Only the answer: {{response}}');
    const first = await startExecution(jf, ref(f), { split: 'test', versionName: 'v1', sync: true });
    const second = await startExecution(jf, ref(f), { split: 'test', sync: true });
    const executions = await getExecutions(jf, f.evaluatorUid);
    expect(executions.map((e) => [e.executionUid, e.promptVersionName, e.status])).toEqual([
      [first, 'v1', 'completed'],
      [second, 'v2', 'completed'],
    ]);
    expect(executions[0]!.createdAt.getTime()).toBeLessThanOrEqual(executions[1]!.createdAt.getTime());
    const v2 = await getResults(jf, f.evaluatorUid, second);
    expect(v2['row-1']?.score).toBe(localJudgeScore('Only the answer: answer 1', [0, 1]));
  });
});

describe('continue-as-new', () => {
  const runsOf = async (f: EvaluatorFixture, uid: number) => {
    const statuses: string[] = [];
    const temporal = await jf.temporal();
    for await (const wf of temporal.workflow.list({ query: `WorkflowId = 'evaluator-${f.evaluatorUid}-execution-${uid}'` })) {
      statuses.push(wf.status.name);
    }
    return statuses;
  };
  const scored = async (uid: number) =>
    (
      await jf.db.query<{ n: number; distinct: number }>(
        `SELECT count(*)::int AS n, count(DISTINCT x_uid)::int AS distinct FROM evaluator_results WHERE execution_uid = $1 AND score IS NOT NULL`,
        [uid],
      )
    ).rows[0];

  it("continues-as-new when Temporal suggests it (the test server's threshold is lowered) and scores every row once", async () => {
    const f = await createEvaluatorFixture(jf.db, { rows: 150 });
    const uid = await startExecution(jf, ref(f), { split: 'test', concurrency: 16, sync: true });
    expect(await scored(uid)).toEqual({ n: 150, distinct: 150 });
    const runs = await runsOf(f, uid);
    expect(runs.length).toBeGreaterThanOrEqual(2);
    expect(runs.filter((s) => s === 'CONTINUED_AS_NEW').length).toBe(runs.length - 1);
    expect((await pollExecution(jf, f.evaluatorUid, uid))[0]).toBe('completed');
  });

  it('continues-as-new after every page of rows', async () => {
    const f = await createEvaluatorFixture(jf.db, { rows: 100 });
    const uid = await startExecution(jf, ref(f), { split: 'test', concurrency: 16, pageSize: 40, sync: true });
    expect(await scored(uid)).toEqual({ n: 100, distinct: 100 });
    // 40 + 40 + 20 rows: three runs, the last one ending on a short page.
    expect((await runsOf(f, uid)).length).toBe(3);
  });
});

describe('progress query', () => {
  it('answers counts, histogram and recent rows from workflow state while running', async () => {
    const f = await createEvaluatorFixture(jf.db, { rows: 20, modelName: 'local-judge:latency=300' });
    const uid = await startExecution(jf, ref(f), { split: 'test', concurrency: 2 });
    let progress = await getProgress(jf, f.evaluatorUid, uid);
    for (let i = 0; i < 100 && progress.done < 2; i++) {
      await new Promise((r) => setTimeout(r, 100));
      progress = await getProgress(jf, f.evaluatorUid, uid);
    }
    expect(progress.status).toBe('running');
    expect(progress.total).toBe(20);
    expect(progress.done).toBeGreaterThanOrEqual(2);
    expect(progress.inFlight).toBeLessThanOrEqual(2);
    expect(Object.values(progress.histogram).reduce((a, b) => a + b, 0)).toBe(progress.done - progress.errors);
    expect(progress.recent.length).toBeGreaterThan(0);
    const [status] = await pollExecution(jf, f.evaluatorUid, uid, { sync: true });
    expect(status).toBe('completed');
  });
});

describe('bad input is refused before anything starts', () => {
  let f: EvaluatorFixture;
  beforeAll(async () => {
    f = await createEvaluatorFixture(jf.db, { rows: 2 });
  });
  const count = async () =>
    (await jf.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM evaluator_executions WHERE evaluator_uid = $1`, [f.evaluatorUid])).rows[0]?.n;

  it('rejects each bad value with a typed error naming it', async () => {
    await expect(startExecution(jf, ref(f), { split: 'nope' })).rejects.toThrow(UnknownSplitError);
    await expect(startExecution(jf, ref(f), { split: 'nope' })).rejects.toThrow(/"nope".*available splits: "test"/);
    for (const numRows of [0, -1, 1.5]) {
      await expect(startExecution(jf, ref(f), { split: 'test', numRows })).rejects.toThrow(InvalidNumRowsError);
    }
    await expect(startExecution(jf, ref(f), { split: 'test', versionName: 'v9' })).rejects.toThrow(UnknownVersionError);
    await expect(startExecution(jf, ref(f), { split: 'test', concurrency: 10_000 })).rejects.toThrow(InvalidConcurrencyError);
    const models = jf.config.models;
    jf.config.models = ['gpt-4o'];
    await expect(startExecution(jf, ref(f), { split: 'test' })).rejects.toThrow(ModelNotConfiguredError);
    jf.config.models = models;
    expect(await count()).toBe(0);
  });

  it('polls an unknown execution as unknown, and refuses to read its results', async () => {
    expect(await pollExecution(jf, f.evaluatorUid, 987654)).toEqual(['unknown', {}]);
    await expect(getResults(jf, f.evaluatorUid, 987654)).rejects.toThrow(NotFoundError);
  });
});
