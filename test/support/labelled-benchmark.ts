/**
 * Benchmarks whose datapoints carry their ground truth for the local judge server's simulated judges
 * (tools/simulated-judge.ts), with one evaluator per model, run through the SDK: for juries and escalation.
 */
import { Benchmark, type BenchmarkExecuteOptions, type Judgeflow } from '../../src';
import { truthMarker } from '../../tools/simulated-judge';
import { uniqueName } from './context';

/**
 * A benchmark over `rows` datapoints (the first `devRows` in split dev, the rest test), binary ground truth
 * position % 2 carried in each datapoint for the simulated judges, and one evaluator per model, all of one criteria.
 */
export async function createLabelledBenchmark(jf: Judgeflow, rows: number, devRows: number, models: string[]) {
  return jf.db.withTransaction(async (c) => {
    const one = async (sql: string, values: unknown[]) => (await c.query<{ uid: number }>(sql, values)).rows[0]!.uid;
    const dataset = await one(`INSERT INTO datasets (name, columns) VALUES ($1, '["response"]') RETURNING uid`, [
      uniqueName('jury'),
    ]);
    await c.query(
      `INSERT INTO datapoints (dataset_uid, x_uid, split, position, data)
       SELECT $1, 'row-' || i, CASE WHEN i < $3 THEN 'dev' ELSE 'test' END, i,
              jsonb_build_object('response', 'answer ' || i || ' ' || CASE WHEN i % 2 = 0 THEN $4 ELSE $5 END)
         FROM generate_series(0, $2::int - 1) AS i`,
      [dataset, rows, devRows, truthMarker(0), truthMarker(1)],
    );
    const benchmark = await one(`INSERT INTO benchmarks (name, dataset_uid) VALUES ($1, $2) RETURNING uid`, [
      uniqueName('jury'),
      dataset,
    ]);
    const criteria = await one(`INSERT INTO criteria (benchmark_uid, name) VALUES ($1, 'correct') RETURNING uid`, [
      benchmark,
    ]);
    await c.query(
      `INSERT INTO criteria_labels (criteria_uid, name, score, position) VALUES ($1, 'no', 0, 0), ($1, 'yes', 1, 1)`,
      [criteria],
    );
    await c.query(
      `INSERT INTO ground_truth (criteria_uid, dataset_uid, x_uid, score)
       SELECT $1, $2, 'row-' || i, i % 2 FROM generate_series(0, $3::int - 1) AS i`,
      [criteria, dataset, rows],
    );
    const evaluators: number[] = [];
    for (const [i, model] of models.entries()) {
      const workflow = await one(`INSERT INTO prompt_workflows DEFAULT VALUES RETURNING uid`, []);
      await c.query(
        `INSERT INTO prompt_versions (prompt_workflow_uid, name, user_prompt, model_name) VALUES ($1, 'v1', '{{response}}', $2)`,
        [workflow, model],
      );
      evaluators.push(
        await one(
          `INSERT INTO evaluators (type, benchmark_uid, criteria_uid, name, prompt_workflow_uid)
           VALUES ('prompt', $1, $2, $3, $4) RETURNING uid`,
          [benchmark, criteria, `juror ${i + 1}`, workflow],
        ),
      );
    }
    return { benchmark, evaluators };
  });
}

/** Creates the benchmark and runs every evaluator over its splits (dev when `devRows` > 0, and test), to the end. */
export async function labelledBenchmark(
  jf: Judgeflow,
  rows: number,
  devRows: number,
  models: string[],
  options: BenchmarkExecuteOptions = {},
) {
  const { benchmark, evaluators } = await createLabelledBenchmark(jf, rows, devRows, models);
  const splits = devRows > 0 ? ['dev', 'test'] : ['test'];
  const x = await (await Benchmark.get(benchmark, jf)).execute({ splits, sync: true, concurrency: 16, ...options });
  return { x, evaluators };
}
