/**
 * A finished benchmark execution written straight into PostgreSQL, for export tests that need exact control of
 * what is stored (any user column value, errors, cache hits, slices) without running a worker.
 */
import type { Db } from '../../src/db/pool';
import { uniqueName } from './context';

export interface SeededResult {
  score: number | null;
  rationale?: string | null;
  error?: string | null;
  promptTokens?: number | null;
  completionTokens?: number | null;
  costUsd?: number | null;
  cacheHit?: boolean;
  /** A row judged several times. */
  confidence?: number;
  expectedScore?: number;
  samples?: { score: number | null; rationale: string | null; error?: string }[];
  /** A row scored by logprobs. */
  distribution?: Record<string, number>;
  entropy?: number;
}

export interface SeededDatapoint {
  xUid: string;
  split?: string;
  data: Record<string, unknown>;
  /** Ground truth of the one criteria (labels 0 and 1). */
  truth?: number | null;
  /** The one evaluator's result; none when absent. */
  result?: SeededResult;
  slices?: string[];
}

export interface SeededExecution {
  benchmarkExecutionUid: number;
  evaluatorUid: number;
  criteriaUid: number;
}

/** A dataset, a benchmark with one criteria, one evaluator and `slices`, and a completed execution of it. */
export async function seedScoredExecution(
  db: Db,
  p: { columns: string[]; datapoints: SeededDatapoint[]; slices?: string[]; evaluatorName?: string },
): Promise<SeededExecution> {
  return db.withTransaction(async (q) => {
    const one = async (sql: string, values: unknown[] = []) =>
      (await q.query<{ uid: number }>(sql, values)).rows[0]!.uid;
    const name = uniqueName('export-seed');
    const dataset = await one(`INSERT INTO datasets (name, columns) VALUES ($1, $2) RETURNING uid`, [
      name,
      JSON.stringify(p.columns),
    ]);
    await q.query(
      `INSERT INTO datapoints (dataset_uid, x_uid, split, position, data)
       SELECT $1, d.x_uid, d.split, d.position, d.data FROM unnest($2::text[], $3::text[], $4::int[], $5::jsonb[]) AS d(x_uid, split, position, data)`,
      [
        dataset,
        p.datapoints.map((d) => d.xUid),
        p.datapoints.map((d) => d.split ?? 'dev'),
        p.datapoints.map((_, i) => i),
        p.datapoints.map((d) => JSON.stringify(d.data)),
      ],
    );
    const benchmark = await one(`INSERT INTO benchmarks (name, dataset_uid) VALUES ($1, $2) RETURNING uid`, [
      name,
      dataset,
    ]);
    const criteria = await one(`INSERT INTO criteria (benchmark_uid, name) VALUES ($1, 'quality') RETURNING uid`, [
      benchmark,
    ]);
    await q.query(
      `INSERT INTO criteria_labels (criteria_uid, name, score, position) VALUES ($1, 'no', 0, 0), ($1, 'yes', 1, 1)`,
      [criteria],
    );
    const workflow = await one(`INSERT INTO prompt_workflows DEFAULT VALUES RETURNING uid`);
    const version = await one(
      `INSERT INTO prompt_versions (prompt_workflow_uid, name, user_prompt, model_name) VALUES ($1, 'v1', '{{x}}', 'm') RETURNING uid`,
      [workflow],
    );
    const evaluator = await one(
      `INSERT INTO evaluators (type, benchmark_uid, criteria_uid, name, prompt_workflow_uid) VALUES ('prompt', $1, $2, $3, $4) RETURNING uid`,
      [benchmark, criteria, p.evaluatorName ?? 'judge', workflow],
    );
    const execution = await one(
      `INSERT INTO benchmark_executions (benchmark_uid, name, created_by, splits, concurrency, status, finished_at)
       VALUES ($1, 'seeded', 'test', '{dev}', 1, 'completed', now()) RETURNING uid`,
      [benchmark],
    );
    const evaluatorExecution = await one(
      `INSERT INTO evaluator_executions (evaluator_uid, prompt_version_uid, benchmark_execution_uid, split, concurrency, total_rows, status)
       VALUES ($1, $2, $3, 'dev', 1, $4, 'completed') RETURNING uid`,
      [evaluator, version, execution, p.datapoints.length],
    );
    const sliceUids = new Map<string, number>();
    for (const slice of p.slices ?? []) {
      sliceUids.set(
        slice,
        await one(`INSERT INTO slices (benchmark_uid, name) VALUES ($1, $2) RETURNING uid`, [benchmark, slice]),
      );
    }
    for (const d of p.datapoints) {
      if (d.truth !== undefined && d.truth !== null) {
        await q.query(`INSERT INTO ground_truth (criteria_uid, dataset_uid, x_uid, score) VALUES ($1, $2, $3, $4)`, [
          criteria,
          dataset,
          d.xUid,
          d.truth,
        ]);
      }
      for (const slice of d.slices ?? []) {
        await q.query(`INSERT INTO slice_members (slice_uid, dataset_uid, x_uid) VALUES ($1, $2, $3)`, [
          sliceUids.get(slice),
          dataset,
          d.xUid,
        ]);
      }
    }
    const scored = p.datapoints.flatMap((d) => (d.result ? [{ xUid: d.xUid, ...d.result }] : []));
    const column = <T>(f: (r: (typeof scored)[number]) => T) => scored.map(f);
    await q.query(
      `INSERT INTO evaluator_results (execution_uid, x_uid, score, rationale, error, error_kind, prompt_tokens,
                                      completion_tokens, cost_usd, cache_hit, cache_source_execution_uid,
                                      confidence, expected_score, samples, distribution, entropy)
       SELECT $1, r.x_uid, r.score, r.rationale, r.error, CASE WHEN r.error IS NOT NULL THEN 'provider' END,
              r.prompt_tokens, r.completion_tokens, r.cost_usd, r.cache_hit, CASE WHEN r.cache_hit THEN $1::int END,
              r.confidence, r.expected_score, r.samples, r.distribution, r.entropy
         FROM unnest($2::text[], $3::int[], $4::text[], $5::text[], $6::int[], $7::int[], $8::float8[], $9::bool[],
                     $10::float8[], $11::float8[], $12::json[], $13::json[], $14::float8[])
           AS r(x_uid, score, rationale, error, prompt_tokens, completion_tokens, cost_usd, cache_hit, confidence,
                expected_score, samples, distribution, entropy)`,
      [
        evaluatorExecution,
        column((r) => r.xUid),
        column((r) => r.score),
        column((r) => r.rationale ?? null),
        column((r) => r.error ?? null),
        column((r) => r.promptTokens ?? null),
        column((r) => r.completionTokens ?? null),
        column((r) => r.costUsd ?? null),
        column((r) => r.cacheHit ?? false),
        column((r) => r.confidence ?? null),
        column((r) => r.expectedScore ?? null),
        column((r) => (r.samples ? JSON.stringify(r.samples) : null)),
        column((r) => (r.distribution ? JSON.stringify(r.distribution) : null)),
        column((r) => r.entropy ?? null),
      ],
    );
    return { benchmarkExecutionUid: execution, evaluatorUid: evaluator, criteriaUid: criteria };
  });
}
