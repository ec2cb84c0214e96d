/**
 * Order-bias control on the real dev server, PostgreSQL and the local judge server's simulated judges: each row's
 * labels are listed in an order shuffled by its x_uid (recorded with the row, the same on every run); measuring the
 * bias of a judge that answers the first-listed label with probability 0.3 recovers 0.3 within its interval, an
 * unbiased judge flips nothing, and two phrasings of the prompt show the sensitivity the binomial predicts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Judgeflow } from '../../src';
import { truthMarker } from '../../tools/simulated-judge';
import { runCli } from '../support/cli';
import { addPromptVersion, createEvaluatorFixture, type EvaluatorFixture } from '../support/fixtures';
import { startJudgedClient, type JudgedClient } from '../support/judged-client';

let stack: JudgedClient;
let jf: Judgeflow;

beforeAll(async () => {
  stack = await startJudgedClient(`order-bias-${process.pid}`);
  ({ jf } = stack);
});

afterAll(async () => {
  await stack?.stop();
});

/** Datapoint i carries the truth i % 2 (labels 0 and 1); temperature 0, so both runs of a row draw alike. */
async function biasFixture(rows: number, model: string, scores = [0, 1]): Promise<EvaluatorFixture> {
  const f = await createEvaluatorFixture(jf, { rows, modelName: model, scores, userPrompt: '{{response}}' });
  await jf.db.query(
    `UPDATE datapoints SET data = jsonb_set(data, '{response}',
       to_jsonb('answer ' || position || ' ' || CASE WHEN position % 2 = 0 THEN $2 ELSE $3 END))
     WHERE dataset_uid = $1`,
    [f.datasetUid, truthMarker(0), truthMarker(1)],
  );
  await jf.db.query(
    `UPDATE prompt_versions SET fm_hyperparameters = '{"temperature": 0}' WHERE prompt_workflow_uid = $1`,
    [f.promptWorkflowUid],
  );
  return f;
}

const labelOrders = async (executionUid: number) =>
  (
    await jf.db.query<{ x_uid: string; label_order: number[] }>(
      `SELECT x_uid, label_order FROM evaluator_results WHERE execution_uid = $1 ORDER BY x_uid`,
      [executionUid],
    )
  ).rows;

describe('label order', () => {
  it('is shuffled per row by default, recorded with the row, and the same on a re-run', async () => {
    const f = await createEvaluatorFixture(jf, { rows: 40, scores: [1, 2, 3] });
    const first = await labelOrders(await f.evaluator.execute({ split: 'test', sync: true }));
    const again = await labelOrders(await f.evaluator.execute({ split: 'test', sync: true }));
    expect(first).toHaveLength(40);
    expect(again).toEqual(first);
    for (const r of first) expect([...r.label_order].sort()).toEqual([1, 2, 3]);
    expect(new Set(first.map((r) => r.label_order.join())).size).toBeGreaterThan(3);
    const fixed = await labelOrders(await f.evaluator.execute({ split: 'test', sync: true, labelOrder: 'fixed' }));
    expect(fixed.every((r) => r.label_order.join() === '1,2,3')).toBe(true);
    await expect(f.evaluator.execute({ split: 'test', labelOrder: 'random' as 'fixed' })).rejects.toThrow(
      /labelOrder must be one of "shuffled", "fixed", "reversed", got "random"/,
    );
  });
});

describe('measureBias', () => {
  it('recovers an injected first-label preference of 0.3 within its interval', async () => {
    const f = await biasFixture(400, 'local-judge:accuracy=0.7:bias=0.3:seed=biased');
    const r = await f.evaluator.measureBias({ split: 'test', concurrency: 16 });
    expect(r.compared).toBe('label order');
    expect([r.a.labelOrder, r.b.labelOrder]).toEqual(['fixed', 'reversed']);
    expect(r.decisive).toBe(400);
    // A biased row answers each order's first label (a flip); any other row answers alike. Binomial sd 0.023.
    expect(r.flipInterval!.low).toBeLessThan(0.3);
    expect(r.flipInterval!.high).toBeGreaterThan(0.3);
    expect(Math.abs(r.flipRate! - 0.3)).toBeLessThan(0.07);
    // Every flip moves toward the first-listed label: the shift equals the flip rate.
    expect(r.shiftTowardFirst).toBeCloseTo(r.flipRate!, 12);
    expect(r.shiftTowardFirstInterval!.low).toBeLessThan(0.3);
    expect(r.shiftTowardFirstInterval!.high).toBeGreaterThan(0.3);
  });

  it('an unbiased judge flips nothing', async () => {
    const f = await biasFixture(100, 'local-judge:accuracy=0.7:seed=fair');
    const r = await f.evaluator.measureBias({ split: 'test' });
    expect(r).toMatchObject({ decisive: 100, flips: 0, flipRate: 0, meanShift: 0, shiftTowardFirst: 0 });
  });

  it('two phrasings of the prompt: independent draws flip 2 · 0.7 · 0.3 = 42 % of binary verdicts', async () => {
    const f = await biasFixture(400, 'local-judge:accuracy=0.7:seed=phrasing');
    await addPromptVersion(
      jf.db,
      f.promptWorkflowUid,
      'v2',
      'local-judge:accuracy=0.7:seed=phrasing',
      'Answer: {{response}}',
    );
    await jf.db.query(
      `UPDATE prompt_versions SET fm_hyperparameters = '{"temperature": 0}' WHERE prompt_workflow_uid = $1`,
      [f.promptWorkflowUid],
    );
    const r = await f.evaluator.measureBias({ split: 'test', versions: ['v1', 'v2'], concurrency: 16 });
    expect(r.compared).toBe('prompt versions');
    expect(r.shiftTowardFirst).toBeNull();
    expect(Math.abs(r.flipRate! - 0.42)).toBeLessThan(0.075);
    await expect(f.evaluator.measureBias({ split: 'test', versions: ['v1', 'v1'] })).rejects.toThrow(
      /versions must be two different prompt version names/,
    );
  });

  it('from the command line: judgeflow bias prints the flip rate and the shift toward the first label', async () => {
    const f = await biasFixture(40, 'local-judge:accuracy=0.7:bias=0.5:seed=cli');
    const run = await runCli(jf.config.temporal.taskQueue, ['bias', String(f.evaluatorUid), '--split', 'test']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      /compared:\s+label order: execution \d+ \(latest version, labels fixed\) vs execution \d+/,
    );
    expect(run.stdout).toMatch(/flips:\s+\d+, rate 0\.\d{3} \[0\.\d{3}, 0\.\d{3}\] \(95 % Wilson\)/);
    expect(run.stdout).toMatch(/toward first-listed:\s+0\.\d{3}/);
  });
});
