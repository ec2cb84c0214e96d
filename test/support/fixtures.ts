/**
 * Minimal evaluation set-ups written straight to PostgreSQL, so execution tests do not depend on the
 * definitions SDK under test elsewhere.
 */
import type { Db } from '../../src/db/pool';
import { PromptEvaluator } from '../../src/sdk/PromptEvaluator';
import type { Judgeflow } from '../../src/sdk/Judgeflow';
import { uniqueName } from './context';

export interface EvaluatorFixture {
  datasetUid: number;
  benchmarkUid: number;
  criteriaUid: number;
  evaluatorUid: number;
  promptWorkflowUid: number;
  xUids: string[];
  /** The evaluator through the public SDK, bound to the client the fixture was made with. */
  evaluator: PromptEvaluator;
}

export interface EvaluatorFixtureOptions {
  rows: number;
  split?: string;
  /** Label scores of the criteria (default 0 and 1). */
  scores?: number[];
  modelName?: string;
  userPrompt?: string;
}

export async function createEvaluatorFixture(jf: Judgeflow, o: EvaluatorFixtureOptions): Promise<EvaluatorFixture> {
  const scores = o.scores ?? [0, 1];
  const rows = await jf.db.withTransaction(async (c) => {
    const one = async <T>(sql: string, values: unknown[]) => (await c.query(sql, values)).rows[0] as T;
    const { uid: datasetUid } = await one<{ uid: number }>(
      `INSERT INTO datasets (name, columns) VALUES ($1, '["question","response"]') RETURNING uid`,
      [uniqueName('dataset')],
    );
    const xUids = Array.from({ length: o.rows }, (_, i) => `row-${i}`);
    await c.query(
      `INSERT INTO datapoints (dataset_uid, x_uid, split, position, data)
       SELECT $1, 'row-' || i, $2, i, jsonb_build_object('question', 'question ' || i, 'response', 'answer ' || i)
         FROM generate_series(0, $3::int - 1) AS i`,
      [datasetUid, o.split ?? 'test', o.rows],
    );
    const { uid: benchmarkUid } = await one<{ uid: number }>(
      `INSERT INTO benchmarks (name, dataset_uid) VALUES ($1, $2) RETURNING uid`,
      [uniqueName('benchmark'), datasetUid],
    );
    const { uid: criteriaUid } = await one<{ uid: number }>(
      `INSERT INTO criteria (benchmark_uid, name, description) VALUES ($1, 'helpfulness', 'Is the answer helpful?') RETURNING uid`,
      [benchmarkUid],
    );
    for (const [i, score] of scores.entries()) {
      await c.query(
        `INSERT INTO criteria_labels (criteria_uid, name, score, description, position) VALUES ($1, $2, $3, $4, $5)`,
        [criteriaUid, `label-${score}`, score, `score ${score}`, i],
      );
    }
    const { uid: promptWorkflowUid } = await one<{ uid: number }>(
      `INSERT INTO prompt_workflows DEFAULT VALUES RETURNING uid`,
      [],
    );
    await c.query(
      `INSERT INTO prompt_versions (prompt_workflow_uid, name, user_prompt, model_name) VALUES ($1, 'v1', $2, $3)`,
      [promptWorkflowUid, o.userPrompt ?? 'Question: {{question}}\nAnswer: {{response}}', o.modelName ?? 'local-judge'],
    );
    const { uid: evaluatorUid } = await one<{ uid: number }>(
      `INSERT INTO evaluators (type, benchmark_uid, criteria_uid, name, prompt_workflow_uid)
       VALUES ('prompt', $1, $2, 'helpfulness judge', $3) RETURNING uid`,
      [benchmarkUid, criteriaUid, promptWorkflowUid],
    );
    return { datasetUid, benchmarkUid, criteriaUid, evaluatorUid, promptWorkflowUid, xUids };
  });
  return { ...rows, evaluator: await PromptEvaluator.get(rows.evaluatorUid, jf) };
}

/** Adds a prompt version (newest = latest). */
export async function addPromptVersion(
  db: Db,
  promptWorkflowUid: number,
  name: string,
  modelName: string,
  userPrompt = '{{response}}',
) {
  await db.query(
    `INSERT INTO prompt_versions (prompt_workflow_uid, name, user_prompt, model_name) VALUES ($1, $2, $3, $4)`,
    [promptWorkflowUid, name, userPrompt, modelName],
  );
}
