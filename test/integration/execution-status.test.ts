/**
 * Regression tests of the service layer's fixes: status reads never write (a terminated workflow reads as failed,
 * `repair` records it), a benchmark execution's status reconciles with Temporal, `Benchmark.execute` refuses a
 * disallowed model up front, and the CLI prints benchmark executions (it crashed on circular JSON).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Benchmark, BenchmarkExecution, ModelNotConfiguredError, type Judgeflow } from '../../src';
import { recordAbandonedExecutions } from '../../src/services/client/repair';
import { evaluatorExecutionWorkflowId } from '../../src/shared/workflow-ids';
import { createEvaluatorFixture } from '../support/fixtures';
import { scoredRows, waitUntil } from '../support/results';
import { startJudgedClient, type JudgedClient } from '../support/judged-client';

let stack: JudgedClient;
let jf: Judgeflow;

beforeAll(async () => {
  stack = await startJudgedClient(`status-${process.pid}`);
  ({ jf } = stack);
});

afterAll(async () => {
  await stack?.stop();
});

const storedStatus = async (table: 'evaluator_executions' | 'benchmark_executions', uid: number) =>
  (
    await jf.db.query<{ status: string; error: string | null }>(`SELECT status, error FROM ${table} WHERE uid = $1`, [
      uid,
    ])
  ).rows[0];

describe('a workflow terminated in Temporal', () => {
  it('reads as failed without writing on the read; the repair step records it', async () => {
    const f = await createEvaluatorFixture(jf, { rows: 30, modelName: 'local-judge:latency=500' });
    const uid = await f.evaluator.execute({ split: 'test', concurrency: 2 });
    await waitUntil('a row is scored', async () => (await scoredRows(jf.db, { executionUid: uid })).n >= 1);
    const handle = (await jf.temporal()).workflow.getHandle(
      evaluatorExecutionWorkflowId(jf.instanceId, f.evaluatorUid, uid),
    );
    await handle.terminate('terminated by the test');

    const [status, results] = await f.evaluator.pollExecutionResult(uid);
    expect(status).toBe('failed');
    expect(Object.keys(results).length).toBeGreaterThanOrEqual(1);
    expect((await f.evaluator.getExecutions()).find((e) => e.executionUid === uid)?.status).toBe('failed');
    // Reads did not write: PostgreSQL still holds what the workflow last recorded.
    expect(await storedStatus('evaluator_executions', uid)).toEqual({ status: 'running', error: null });

    const report = await recordAbandonedExecutions(jf);
    expect(report.evaluatorExecutions).toContain(uid);
    expect(await storedStatus('evaluator_executions', uid)).toEqual({
      status: 'failed',
      error: 'workflow terminated in Temporal',
    });
    expect((await recordAbandonedExecutions(jf)).evaluatorExecutions).not.toContain(uid);
  });

  it('a terminated benchmark execution reads as failed, not running', async () => {
    const f = await createEvaluatorFixture(jf, { rows: 30, modelName: 'local-judge:latency=500' });
    const benchmark = await Benchmark.get(f.benchmarkUid, jf);
    const execution = await benchmark.execute({ concurrency: 2 });
    expect(await execution.status()).toBe('running');
    await (await jf.temporal()).workflow.getHandle(execution.workflowId).terminate('terminated by the test');
    expect(await execution.status()).toBe('failed');
    expect(await (await BenchmarkExecution.get(execution.benchmarkExecutionUid, jf)).wait()).toBe('failed');
    expect((await storedStatus('benchmark_executions', execution.benchmarkExecutionUid))?.status).toBe('running');
  });
});

describe('Benchmark.execute', () => {
  it('refuses a model outside JUDGEFLOW_MODELS before anything is recorded, as a single execution does', async () => {
    const f = await createEvaluatorFixture(jf, { rows: 3 });
    const benchmark = await Benchmark.get(f.benchmarkUid, jf);
    const models = jf.config.models;
    jf.config.models = ['gpt-4o'];
    try {
      await expect(benchmark.execute()).rejects.toThrow(ModelNotConfiguredError);
      await expect(benchmark.execute()).rejects.toThrow(
        /model "local-judge" is not configured: JUDGEFLOW_MODELS allows "gpt-4o"/,
      );
    } finally {
      jf.config.models = models;
    }
    expect(await benchmark.listExecutions()).toEqual([]);
  });
});
