/**
 * Chaos: the model endpoint misbehaves in every way a provider does. Rate limits (30 % 429 with retry-after)
 * and occasional 500s cost no row; every other fault ends as the documented row error kind, never as a score,
 * counted in progress and results; a rejected key fails the execution once, with the reason.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Judgeflow } from '../../src/sdk/Judgeflow';
import type { ExecutionProgress } from '../../src/shared/execution-contract';
import type { JudgeServer } from '../../tools/judge-server';
import { createEvaluatorFixture } from '../support/fixtures';
import { startJudgedClient, type JudgedClient } from '../support/judged-client';
import { accountRows, recordOutcome, scale } from './chaos-support';

let stack: JudgedClient;
/** A worker with a rate-limit patience of seconds, for the give-up case (the main one keeps the default hour). */
let impatient: JudgedClient;
let jf: Judgeflow;
let judge: JudgeServer;

beforeAll(async () => {
  // A short request timeout, so the timeout case ends within seconds.
  stack = await startJudgedClient(`chaos-judge-${process.pid}`, { llm: { requestTimeoutMs: 1_000 } });
  impatient = await startJudgedClient(`chaos-judge-impatient-${process.pid}`, { llm: { rateLimitPatienceMs: 3_000 } });
  ({ jf, judge } = stack);
});

afterAll(async () => {
  await stack?.stop();
  await impatient?.stop();
});

/** Runs `rows` rows on `modelName` to the end; returns status, results and final progress. */
async function run(modelName: string, rows: number, concurrency = 4, client: Judgeflow = jf) {
  const f = await createEvaluatorFixture(client, { rows, modelName });
  const uid = await f.evaluator.execute({ split: 'test', concurrency, sync: true });
  const [status, results] = await f.evaluator.pollExecutionResult(uid);
  const progress: ExecutionProgress = await f.evaluator.getExecutionProgress(uid);
  const { rows: stored } = await client.db.query<{ score: number | null; error_kind: string | null }>(
    `SELECT score, error_kind FROM evaluator_results WHERE execution_uid = $1`,
    [uid],
  );
  const reason = (
    await client.db.query<{ error: string | null }>(`SELECT error FROM evaluator_executions WHERE uid = $1`, [uid])
  ).rows[0]?.error;
  return { uid, status, results, progress, stored, reason };
}

describe('rate limits and server errors', () => {
  it('30 % 429 with retry-after and 10 % 500: every row scored, no retry storm, the window shrinks', async () => {
    const rows = scale(150, 300);
    const before = judge.stats().requests;
    const started = Date.now();
    const r = await run('local-judge:latency=50:429=0.3:500=0.1', rows, 16);
    const seconds = (Date.now() - started) / 1000;
    const requests = judge.stats().requests - before;
    expect(r.status).toBe('completed');
    expect(Object.values(r.results).every((x) => typeof x.score === 'number')).toBe(true);
    expect(Object.keys(r.results)).toHaveLength(rows);
    expect(r.progress.errors).toBe(0);
    expect(r.progress.rateLimited).toBeGreaterThan(rows * 0.2);
    // 1 / (1 - 0.3 - 0.1) ≈ 1.67 requests per row is what the faults cost; a retry storm costs far more.
    expect(requests / rows).toBeLessThan(2.2);
    expect(r.progress.concurrency.max).toBe(16);
    const a = await accountRows(jf.db, r.uid);
    recordOutcome('5a-rate-limits', {
      scenario: '5a. judge: 30 % 429 (retry-after 1 s) and 10 % 500',
      runs: `${rows} rows, C=16, 50 ms judge`,
      outcome:
        `completed in ${seconds.toFixed(1)} s; ${a.scored}/${rows} scored, 0 errors; ${r.progress.rateLimited} rate-limited ` +
        `calls; ${(requests / rows).toFixed(2)} requests per row; window ended at ${r.progress.concurrency.effective}/16`,
      rowsLost: a.lost,
      duplicated: a.duplicated,
      extraCalls: `${requests - rows} (${r.progress.rateLimited} of them answered 429)`,
    });
  });

  it.each([503, 529])('%i (overloaded) is waited out like 429, costing no attempt and no row', async (status) => {
    judge.configure({ rateLimit: { firstN: 4, retryAfterSeconds: 1, status } });
    judge.resetStats();
    try {
      const r = await run('local-judge', 6);
      expect(r.status).toBe('completed');
      expect(r.progress.errors).toBe(0);
      expect(r.progress.rateLimited).toBe(4);
      expect(judge.stats().byStatus[status]).toBe(4);
    } finally {
      judge.configure({ rateLimit: undefined });
    }
  });
});

describe.concurrent('each fault ends as its row error kind, never as a score', () => {
  const cases = [
    ['malformed JSON', 'local-judge:malformed', 'unparseable', /not a score.*after 3 attempts/],
    ['out-of-range scores', 'local-judge:out-of-range', 'out_of_range', /not one of the criteria's scores/],
    ['empty content', 'local-judge:empty', 'refusal', /the answer was empty/],
    ['a refusal', 'local-judge:refusal', 'refusal', /refused: I'm sorry/],
    [
      'responses slower than the request timeout',
      'local-judge:latency=3000',
      'timeout',
      /within the request timeout.*after 5 attempts/,
    ],
    ['500 on every attempt', 'local-judge:status=500', 'provider', /failed \(500\).*after 5 attempts/],
    [
      '429 for longer than the patience',
      'local-judge:status=429',
      'rate_limited',
      /still rate limited after \d+ s \(JUDGEFLOW_RATE_LIMIT_PATIENCE\)/,
    ],
  ] as const;

  it.each(cases)('%s', async (what, modelName, kind, message) => {
    const rows = 3;
    const r = await run(modelName, rows, 3, kind === 'rate_limited' ? impatient.jf : jf);
    expect(r.status).toBe('completed');
    for (const result of Object.values(r.results)) {
      expect(result.score).toBeNull();
      expect(result.errorKind).toBe(kind);
      expect(result.error).toMatch(message);
    }
    expect(r.stored).toHaveLength(rows);
    expect(r.stored.every((s) => s.score === null && s.error_kind === kind)).toBe(true);
    expect(r.progress.errors).toBe(rows);
    expect(r.progress.errorsByKind).toEqual({ [kind]: rows });
    recordOutcome(`5-${kind}-${modelName.replaceAll(/[^a-z0-9]+/gi, '-')}`, {
      scenario: `5. judge: ${what}`,
      runs: `${rows} rows`,
      outcome: `completed; every row an error of kind \`${kind}\`, no score`,
      rowsLost: 0,
      duplicated: 0,
      extraCalls: '—',
    });
  });

  it('a rejected API key (401) fails the execution once, with the reason, and stores no row error', async () => {
    const r = await run('local-judge:status=401', 20, 4);
    expect(r.status).toBe('failed');
    expect(r.reason).toMatch(/401/);
    expect(r.stored).toHaveLength(0);
    recordOutcome('5-fatal-401', {
      scenario: '5. judge: 401 (bad API key)',
      runs: '20 rows, C=4',
      outcome: `failed fast: "${r.reason}"; no row errors`,
      rowsLost: 0,
      duplicated: 0,
      extraCalls: '—',
    });
  });
});
