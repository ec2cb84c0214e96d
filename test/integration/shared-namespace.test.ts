/**
 * Two judgeflow databases sharing one Temporal namespace: each has its own evaluator 1 and execution 1, and neither
 * runs on top of, reaches or links to the other's workflow (each database's instance id is in its workflow ids).
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { dropDatabase, ensureDatabase, migrate } from '../../src/db/migrate';
import { evaluatorExecutionWorkflowId } from '../../src/shared/workflow-ids';
import { createEvaluatorFixture } from '../support/fixtures';
import { startJudgedClient, type JudgedClient } from '../support/judged-client';

const databases = ['a', 'b'].map((name) => {
  const url = new URL(inject('databaseUrl'));
  url.pathname = `${url.pathname}_shared_${name}`;
  return url.toString();
});
const stacks: JudgedClient[] = [];

beforeAll(async () => {
  for (const [i, databaseUrl] of databases.entries()) {
    await dropDatabase(databaseUrl);
    await ensureDatabase(databaseUrl);
    await migrate(databaseUrl);
    stacks.push(await startJudgedClient(`shared-namespace-${i}-${process.pid}`, { databaseUrl }));
  }
});

afterAll(async () => {
  for (const stack of stacks) await stack.stop();
  for (const databaseUrl of databases) await dropDatabase(databaseUrl);
});

describe('two databases on one Temporal namespace', () => {
  it('run their own execution 1 side by side, each reaching and linking only its own workflow', async () => {
    const [a, b] = stacks as [JudgedClient, JudgedClient];
    expect(a.jf.instanceId).toMatch(/^[0-9a-f]{8}$/);
    expect(b.jf.instanceId).not.toBe(a.jf.instanceId);
    const fa = await createEvaluatorFixture(a.jf, { rows: 6, modelName: 'local-judge:latency=300' });
    const fb = await createEvaluatorFixture(b.jf, { rows: 4, modelName: 'local-judge' });
    expect([fa.evaluatorUid, fb.evaluatorUid]).toEqual([1, 1]);
    // A is still running when B starts its execution with the same uids.
    const ua = await fa.evaluator.execute({ split: 'test', concurrency: 1 });
    const ub = await fb.evaluator.execute({ split: 'test', concurrency: 1 });
    expect([ua, ub]).toEqual([1, 1]);
    const [statusB, resultsB] = await fb.evaluator.pollExecutionResult(ub, { sync: true });
    const [statusA, resultsA] = await fa.evaluator.pollExecutionResult(ua, { sync: true });
    expect([statusA, Object.keys(resultsA).length, statusB, Object.keys(resultsB).length]).toEqual([
      'completed',
      6,
      'completed',
      4,
    ]);
    const temporal = await a.jf.temporal();
    for (const [stack, rows] of [
      [a, 6],
      [b, 4],
    ] as const) {
      const id = evaluatorExecutionWorkflowId(stack.jf.instanceId, 1, 1);
      expect(id).toBe(`evaluator-1-execution-1@${stack.jf.instanceId}`);
      expect((await temporal.workflow.getHandle(id).describe()).status.name).toBe('COMPLETED');
      expect((await stack.jf.db.query(`SELECT count(*)::int AS n FROM evaluator_results`)).rows[0]).toEqual({
        n: rows,
      });
    }
    expect(fa.evaluator.executionUrl(ua)).not.toBe(fb.evaluator.executionUrl(ub));
  });
});
