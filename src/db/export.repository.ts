/** Reads of an export: its record, the header (benchmark, execution, criteria, evaluators, slices) and the rows. */
import Cursor from 'pg-cursor';
import type { Db, Queryable } from './pool';
import { evaluatorKeys, type ExportHeader, type ExportRow } from '../export/format';
import { agrees } from '../metrics/agreement';

export interface ExportRecord {
  uid: number;
  benchmarkExecutionUid: number;
  destination: string;
  format: 'json' | 'csv';
  options: { sep?: string; quotechar?: string; escapechar?: string };
  connectorConfigUid: number | null;
}

export async function insertExport(
  q: Queryable,
  e: { benchmarkExecutionUid: number; destination: string; format: 'json' | 'csv'; options: ExportRecord['options']; connectorConfigUid: number | null },
): Promise<number> {
  const { rows } = await q.query<{ uid: number }>(
    `INSERT INTO exports (benchmark_execution_uid, destination, format, options, connector_config_uid)
     VALUES ($1, $2, $3, $4, $5) RETURNING uid`,
    [e.benchmarkExecutionUid, e.destination, e.format, e.options, e.connectorConfigUid],
  );
  return rows[0]!.uid;
}

export async function findExport(q: Queryable, uid: number): Promise<ExportRecord | undefined> {
  const { rows } = await q.query<ExportRecord>(
    `SELECT uid, benchmark_execution_uid AS "benchmarkExecutionUid", destination, format, options,
            connector_config_uid AS "connectorConfigUid" FROM exports WHERE uid = $1`,
    [uid],
  );
  return rows[0];
}

export async function finishExport(q: Queryable, uid: number, status: string, rowsWritten: number, error?: string): Promise<void> {
  await q.query(
    `UPDATE exports SET status = $2, rows_written = $3, error = $4, finished_at = coalesce(finished_at, now()) WHERE uid = $1`,
    [uid, status, rowsWritten, error ?? null],
  );
}

export async function loadExportHeader(q: Queryable, benchmarkExecutionUid: number, exportedAt: Date): Promise<ExportHeader> {
  const { rows } = await q.query<{
    benchmarkUid: number; benchmarkName: string; benchmarkDescription: string; datasetUid: number; datasetName: string;
    columns: string[]; name: string; createdAt: Date; createdBy: string; status: string; error: string | null;
    splits: string[]; numRows: number | null; finishedAt: Date | null;
  }>(
    `SELECT b.uid AS "benchmarkUid", b.name AS "benchmarkName", b.description AS "benchmarkDescription",
            d.uid AS "datasetUid", d.name AS "datasetName", d.columns, be.name, be.created_at AS "createdAt",
            be.created_by AS "createdBy", be.status, be.error, be.splits, be.num_rows AS "numRows", be.finished_at AS "finishedAt"
       FROM benchmark_executions be JOIN benchmarks b ON b.uid = be.benchmark_uid JOIN datasets d ON d.uid = b.dataset_uid
      WHERE be.uid = $1`,
    [benchmarkExecutionUid],
  );
  const h = rows[0];
  if (!h) throw new Error(`benchmark execution ${benchmarkExecutionUid} does not exist`);

  const criteria = await q.query<ExportHeader['criteria'][number]>(
    `SELECT c.uid AS "criteriaUid", c.name, c.description, c.requires_rationale AS "requiresRationale",
            coalesce((SELECT json_agg(json_build_object('name', l.name, 'score', l.score, 'description', l.description)
                                ORDER BY l.position, l.score) FROM criteria_labels l WHERE l.criteria_uid = c.uid), '[]') AS labels
       FROM criteria c WHERE c.benchmark_uid = $1 ORDER BY c.uid`,
    [h.benchmarkUid],
  );
  const evaluators = await q.query<Omit<ExportHeader['evaluators'][number], 'key'>>(
    `SELECT ev.uid AS "evaluatorUid", ev.name, ev.criteria_uid AS "criteriaUid", c.name AS "criteriaName",
            coalesce((SELECT json_agg(json_build_object('executionUid', e.uid, 'split', e.split, 'status', e.status,
                                                        'promptVersionName', v.name, 'modelName', v.model_name,
                                                        'totalRows', e.total_rows) ORDER BY e.uid)
                        FROM evaluator_executions e JOIN prompt_versions v ON v.uid = e.prompt_version_uid
                       WHERE e.evaluator_uid = ev.uid AND e.benchmark_execution_uid = $2), '[]') AS executions
       FROM evaluators ev JOIN criteria c ON c.uid = ev.criteria_uid
      WHERE ev.benchmark_uid = $1 ORDER BY ev.uid`,
    [h.benchmarkUid, benchmarkExecutionUid],
  );
  const keys = evaluatorKeys(evaluators.rows);
  const slices = await q.query<ExportHeader['slices'][number]>(
    `SELECT uid AS "sliceUid", name, description FROM slices WHERE benchmark_uid = $1 ORDER BY uid`,
    [h.benchmarkUid],
  );
  return {
    benchmark: { benchmarkUid: h.benchmarkUid, name: h.benchmarkName, description: h.benchmarkDescription, dataset: { datasetUid: h.datasetUid, name: h.datasetName } },
    execution: {
      benchmarkExecutionUid,
      name: h.name,
      createdAt: h.createdAt,
      createdBy: h.createdBy,
      status: h.status,
      error: h.error,
      splits: h.splits,
      numRows: h.numRows,
      finishedAt: h.finishedAt,
      durationSeconds: h.finishedAt ? (h.finishedAt.getTime() - h.createdAt.getTime()) / 1000 : null,
      exportedAt,
    },
    userColumns: h.columns,
    criteria: criteria.rows,
    evaluators: evaluators.rows.map((e) => ({ ...e, key: keys.get(e.evaluatorUid)! })),
    slices: slices.rows,
  };
}

type RawExportRow = Record<string, unknown> & { x_uid: string; split: string; data: Record<string, unknown>; slices: string[] | null };

/**
 * Every datapoint of the dataset in dataset order, with one LEFT JOIN per criteria (ground truth) and per evaluator
 * execution (result): index lookups the planner streams, instead of per-row aggregates. `g<i>` is criteria i's ground
 * truth; `s<j>`, `r<j>`, `e<j>` are evaluator execution j's score, rationale and error.
 */
function exportRowsQuery(header: ExportHeader): { text: string; values: unknown[] } {
  const values: unknown[] = [header.benchmark.dataset.datasetUid];
  const param = (v: unknown) => `$${values.push(v)}`;
  const columns = ['d.x_uid', 'd.split', 'd.data'];
  const joins: string[] = [];
  header.criteria.forEach((c, i) => {
    columns.push(`g${i}.score AS g${i}`);
    joins.push(`LEFT JOIN ground_truth g${i} ON g${i}.criteria_uid = ${param(c.criteriaUid)} AND g${i}.x_uid = d.x_uid`);
  });
  executionsOf(header).forEach(({ executionUid }, j) => {
    columns.push(`r${j}.score AS s${j}`, `r${j}.rationale AS r${j}`, `r${j}.error AS e${j}`);
    joins.push(`LEFT JOIN evaluator_results r${j} ON r${j}.execution_uid = ${param(executionUid)} AND r${j}.x_uid = d.x_uid`);
  });
  columns.push(
    header.slices.length
      ? `(SELECT array_agg(s.name ORDER BY s.uid) FROM slice_members m JOIN slices s ON s.uid = m.slice_uid
           WHERE m.dataset_uid = d.dataset_uid AND m.x_uid = d.x_uid AND s.benchmark_uid = ${param(header.benchmark.benchmarkUid)}) AS slices`
      : 'NULL::text[] AS slices',
  );
  return { text: `SELECT ${columns.join(', ')} FROM datapoints d ${joins.join(' ')} WHERE d.dataset_uid = $1 ORDER BY d.position`, values };
}

/** The evaluator executions of the export, each with its evaluator and criteria. */
function executionsOf(header: ExportHeader) {
  return header.evaluators.flatMap((e) => e.executions.map((x) => ({ executionUid: x.executionUid, evaluatorUid: e.evaluatorUid, criteriaUid: e.criteriaUid })));
}

/** Streams export rows through a cursor; `onRow` may be async (backpressure) and is awaited. */
export async function forEachExportRow(
  db: Db,
  header: ExportHeader,
  onRow: (row: ExportRow) => Promise<void>,
  batchSize = 2_000,
): Promise<number> {
  const executions = executionsOf(header);
  const query = exportRowsQuery(header);
  const client = await db.pool.connect();
  let count = 0;
  try {
    const cursor = client.query(new Cursor<RawExportRow>(query.text, query.values));
    try {
      for (;;) {
        const rows = await cursor.read(batchSize);
        if (rows.length === 0) break;
        for (const raw of rows) {
          const groundTruth = new Map<number, number>();
          header.criteria.forEach((c, i) => {
            const score = raw[`g${i}`];
            if (typeof score === 'number') groundTruth.set(c.criteriaUid, score);
          });
          // An evaluator's executions cover different splits: at most one has a result for this datapoint.
          const evaluations: ExportRow['evaluations'] = new Map();
          executions.forEach(({ evaluatorUid, criteriaUid }, j) => {
            const score = raw[`s${j}`] as number | null;
            const error = raw[`e${j}`] as string | null;
            if (score === null && error === null) return;
            evaluations.set(evaluatorUid, { score, rationale: raw[`r${j}`] as string | null, error, agreement: agrees(score, groundTruth.get(criteriaUid)) });
          });
          await onRow({ xUid: raw.x_uid, split: raw.split, userColumns: raw.data, groundTruth, evaluations, slices: raw.slices ?? [] });
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
