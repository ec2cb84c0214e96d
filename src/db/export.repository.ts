/**
 * Exports: their record, and the reads an export makes — what it describes (benchmark, execution, criteria,
 * evaluators, slices) and every datapoint with its ground truth and results. Rows only: src/export/ maps them.
 */
import Cursor from 'pg-cursor';
import type { Db, Queryable } from './pool';
import type { RowSample, ScoreDistribution } from './execution.repository';
import type { Aggregation, LabelOrder, Scoring, ScoringFallback } from '../shared/sampling';

export interface ExportRecord {
  uid: number;
  benchmarkExecutionUid: number;
  destination: string;
  format: 'json' | 'csv';
  /** The CSV options (CsvExportOptions) as given; keys that are absent take their defaults. */
  options: { sep?: string; quotechar?: string; escapechar?: string | null; formulaGuard?: boolean };
  connectorConfigUid: number | null;
  /** Whether a local export may replace an existing file. */
  overwrite: boolean;
}

export async function insertExport(
  q: Queryable,
  e: {
    benchmarkExecutionUid: number;
    destination: string;
    format: 'json' | 'csv';
    options: ExportRecord['options'];
    connectorConfigUid: number | null;
    overwrite: boolean;
  },
): Promise<number> {
  const { rows } = await q.query<{ uid: number }>(
    `INSERT INTO exports (benchmark_execution_uid, destination, format, options, connector_config_uid, overwrite)
     VALUES ($1, $2, $3, $4, $5, $6) RETURNING uid`,
    [e.benchmarkExecutionUid, e.destination, e.format, e.options, e.connectorConfigUid, e.overwrite],
  );
  return rows[0]!.uid;
}

export async function findExport(q: Queryable, uid: number): Promise<ExportRecord | undefined> {
  const { rows } = await q.query<ExportRecord>(
    `SELECT uid, benchmark_execution_uid AS "benchmarkExecutionUid", destination, format, options,
            connector_config_uid AS "connectorConfigUid", overwrite FROM exports WHERE uid = $1`,
    [uid],
  );
  return rows[0];
}

export async function finishExport(
  q: Queryable,
  uid: number,
  status: string,
  rowsWritten: number,
  error?: string,
): Promise<void> {
  await q.query(
    `UPDATE exports SET status = $2, rows_written = $3, error = $4, finished_at = coalesce(finished_at, now()) WHERE uid = $1`,
    [uid, status, rowsWritten, error ?? null],
  );
}

export interface ExportSourceRecord {
  benchmarkUid: number;
  benchmarkName: string;
  benchmarkDescription: string;
  datasetUid: number;
  datasetName: string;
  columns: string[];
  name: string;
  createdAt: Date;
  createdBy: string;
  status: string;
  error: string | null;
  splits: string[];
  numRows: number | null;
  finishedAt: Date | null;
}

export interface ExportCriteriaRecord {
  criteriaUid: number;
  name: string;
  description: string;
  requiresRationale: boolean;
  labels: { name: string; score: number; description: string }[];
}

export interface ExportEvaluatorRecord {
  evaluatorUid: number;
  name: string;
  criteriaUid: number;
  criteriaName: string;
  executions: {
    executionUid: number;
    split: string;
    status: string;
    promptVersionName: string;
    modelName: string;
    totalRows: number;
    samples: number;
    aggregation: Aggregation;
    scoring: Scoring;
    scoringFallback: ScoringFallback | null;
    labelOrder: LabelOrder;
  }[];
}

export interface ExportSliceRecord {
  sliceUid: number;
  name: string;
  description: string;
}

export interface ExportSource {
  execution: ExportSourceRecord;
  criteria: ExportCriteriaRecord[];
  evaluators: ExportEvaluatorRecord[];
  slices: ExportSliceRecord[];
}

/** What a benchmark execution's export describes; undefined for an unknown uid. */
export async function loadExportSource(q: Queryable, benchmarkExecutionUid: number): Promise<ExportSource | undefined> {
  const { rows } = await q.query<ExportSourceRecord>(
    `SELECT b.uid AS "benchmarkUid", b.name AS "benchmarkName", b.description AS "benchmarkDescription",
            d.uid AS "datasetUid", d.name AS "datasetName", d.columns, be.name, be.created_at AS "createdAt",
            be.created_by AS "createdBy", be.status, be.error, be.splits, be.num_rows AS "numRows", be.finished_at AS "finishedAt"
       FROM benchmark_executions be JOIN benchmarks b ON b.uid = be.benchmark_uid JOIN datasets d ON d.uid = b.dataset_uid
      WHERE be.uid = $1`,
    [benchmarkExecutionUid],
  );
  const execution = rows[0];
  if (!execution) return undefined;
  const criteria = await q.query<ExportCriteriaRecord>(
    `SELECT c.uid AS "criteriaUid", c.name, c.description, c.requires_rationale AS "requiresRationale",
            coalesce((SELECT json_agg(json_build_object('name', l.name, 'score', l.score, 'description', l.description)
                                ORDER BY l.position, l.score) FROM criteria_labels l WHERE l.criteria_uid = c.uid), '[]') AS labels
       FROM criteria c WHERE c.benchmark_uid = $1 ORDER BY c.uid`,
    [execution.benchmarkUid],
  );
  const evaluators = await q.query<ExportEvaluatorRecord>(
    `SELECT ev.uid AS "evaluatorUid", ev.name, ev.criteria_uid AS "criteriaUid", c.name AS "criteriaName",
            coalesce((SELECT json_agg(json_build_object('executionUid', e.uid, 'split', e.split, 'status', e.status,
                                                        'promptVersionName', v.name, 'modelName', v.model_name,
                                                        'totalRows', e.total_rows, 'samples', e.samples,
                                                        'aggregation', e.aggregation, 'scoring', e.scoring,
                                                        'scoringFallback', e.scoring_fallback,
                                                        'labelOrder', e.label_order) ORDER BY e.uid)
                        FROM evaluator_executions e JOIN prompt_versions v ON v.uid = e.prompt_version_uid
                       WHERE e.evaluator_uid = ev.uid AND e.benchmark_execution_uid = $2), '[]') AS executions
       FROM evaluators ev JOIN criteria c ON c.uid = ev.criteria_uid
      WHERE ev.benchmark_uid = $1 ORDER BY ev.uid`,
    [execution.benchmarkUid, benchmarkExecutionUid],
  );
  const slices = await q.query<ExportSliceRecord>(
    `SELECT uid AS "sliceUid", name, description FROM slices WHERE benchmark_uid = $1 ORDER BY uid`,
    [execution.benchmarkUid],
  );
  return { execution, criteria: criteria.rows, evaluators: evaluators.rows, slices: slices.rows };
}

/** Which datapoints and columns an export reads. */
export interface ExportRowQuery {
  datasetUid: number;
  benchmarkUid: number;
  /** Ground truth of these criteria, in this order. */
  criteriaUids: number[];
  /** Results of these evaluator executions, in this order, each with its evaluator and that evaluator's criteria. */
  executions: { executionUid: number; evaluatorUid: number; criteriaUid: number }[];
  /** Whether to read slice membership (names). */
  withSlices: boolean;
}

export interface StoredResultColumns {
  score: number | null;
  rationale: string | null;
  error: string | null;
  /** Set when the row was judged several times (self-consistency). */
  confidence: number | null;
  expectedScore: number | null;
  samples: RowSample[] | null;
  /** Set when the row was scored by logprobs. */
  distribution: ScoreDistribution | null;
  entropy: number | null;
  promptTokens: number | null;
  completionTokens: number | null;
  costUsd: number | null;
  /** null when the datapoint has no result in this execution. */
  cacheHit: boolean | null;
}

/** One datapoint: ground truth per criteria and result per execution, in the order the query named them. */
export interface ExportDatapointRecord {
  xUid: string;
  split: string;
  data: Record<string, unknown>;
  truths: (number | null)[];
  results: StoredResultColumns[];
  slices: string[];
}

type RawRow = Record<string, unknown> & {
  x_uid: string;
  split: string;
  data: Record<string, unknown>;
  slices: string[] | null;
};

/**
 * Every datapoint of the dataset, with one LEFT JOIN per criteria (`g<i>`, ground truth) and per evaluator execution
 * (`r<j>`, result), and the names of its slices (`sl.names`, NULL when not asked for or in none). `literal` puts a value into
 * the SQL: a `$n` parameter for queries, an escaped literal for COPY (which takes no parameters).
 */
export function exportRowSource(query: ExportRowQuery, literal: (v: string | number) => string): string {
  const joins: string[] = [];
  query.criteriaUids.forEach((criteriaUid, i) => {
    joins.push(
      `LEFT JOIN ground_truth g${i} ON g${i}.criteria_uid = ${literal(criteriaUid)} AND g${i}.x_uid = d.x_uid`,
    );
  });
  query.executions.forEach(({ executionUid }, j) => {
    joins.push(
      `LEFT JOIN evaluator_results r${j} ON r${j}.execution_uid = ${literal(executionUid)} AND r${j}.x_uid = d.x_uid`,
    );
  });
  joins.push(
    query.withSlices
      ? `LEFT JOIN (SELECT m.x_uid, array_agg(s.name ORDER BY s.uid) AS names FROM slice_members m
           JOIN slices s ON s.uid = m.slice_uid
          WHERE m.dataset_uid = ${literal(query.datasetUid)} AND s.benchmark_uid = ${literal(query.benchmarkUid)}
          GROUP BY m.x_uid) sl ON sl.x_uid = d.x_uid`
      : 'CROSS JOIN (SELECT NULL::text[] AS names) sl',
  );
  return `datapoints d ${joins.join(' ')} WHERE d.dataset_uid = ${literal(query.datasetUid)}`;
}

/**
 * The export rows for the cursor: `g<i>` is criteria i's ground truth; `s<j>`, `r<j>`, `e<j>`… are evaluator
 * execution j's score, rationale, error and usage.
 */
function exportRowsSql(query: ExportRowQuery): { text: string; values: unknown[] } {
  const values: unknown[] = [];
  const param = (v: unknown) => `$${values.push(v)}`;
  const columns = ['d.x_uid', 'd.split', 'd.data'];
  query.criteriaUids.forEach((_, i) => columns.push(`g${i}.score AS g${i}`));
  query.executions.forEach((_, j) => {
    columns.push(
      `r${j}.score AS s${j}`,
      `r${j}.rationale AS r${j}`,
      `r${j}.error AS e${j}`,
      `r${j}.confidence AS cf${j}`,
      `r${j}.expected_score AS ex${j}`,
      `r${j}.samples AS sm${j}`,
      `r${j}.distribution AS di${j}`,
      `r${j}.entropy AS en${j}`,
      `r${j}.prompt_tokens AS pt${j}`,
      `r${j}.completion_tokens AS ct${j}`,
      `r${j}.cost_usd AS c${j}`,
      `r${j}.cache_hit AS h${j}`,
    );
  });
  columns.push('sl.names AS slices');
  return {
    text: `SELECT ${columns.join(', ')} FROM ${exportRowSource(query, param)} ORDER BY d.position`,
    values,
  };
}

/** Streams export rows through a cursor; `onRow` may be async (backpressure) and is awaited. Returns the row count. */
export async function forEachExportRow(
  db: Db,
  query: ExportRowQuery,
  onRow: (row: ExportDatapointRecord) => Promise<void>,
  batchSize = 2_000,
): Promise<number> {
  const sql = exportRowsSql(query);
  const client = await db.pool.connect();
  let count = 0;
  try {
    const cursor = client.query(new Cursor<RawRow>(sql.text, sql.values));
    try {
      for (;;) {
        const rows = await cursor.read(batchSize);
        if (rows.length === 0) break;
        for (const raw of rows) {
          await onRow({
            xUid: raw.x_uid,
            split: raw.split,
            data: raw.data,
            truths: query.criteriaUids.map((_, i) => raw[`g${i}`] as number | null),
            results: query.executions.map((_, j) => ({
              score: raw[`s${j}`] as number | null,
              rationale: raw[`r${j}`] as string | null,
              error: raw[`e${j}`] as string | null,
              confidence: raw[`cf${j}`] as number | null,
              expectedScore: raw[`ex${j}`] as number | null,
              samples: raw[`sm${j}`] as RowSample[] | null,
              distribution: raw[`di${j}`] as ScoreDistribution | null,
              entropy: raw[`en${j}`] as number | null,
              promptTokens: raw[`pt${j}`] as number | null,
              completionTokens: raw[`ct${j}`] as number | null,
              costUsd: raw[`c${j}`] as number | null,
              cacheHit: raw[`h${j}`] as boolean | null,
            })),
            slices: raw.slices ?? [],
          });
          count += 1;
        }
      }
    } finally {
      await cursor.close();
    }
  } finally {
    client.release();
  }
  return count;
}
