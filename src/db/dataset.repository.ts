/** Datasets and their datapoints. Inserts are batched (unnest), never one round trip per row. */
import type { Queryable } from './pool';
import { DuplicateError } from '../errors';
import { UNIQUE_VIOLATION, sqlState } from './errors';

export interface DatasetRecord {
  uid: number;
  name: string;
  columns: string[];
  createdAt: Date;
}

export interface NewDatapoint {
  xUid: string;
  split: string;
  data: Record<string, unknown>;
}

const BATCH = 5_000;

export async function insertDataset(q: Queryable, name: string, columns: string[]): Promise<number> {
  try {
    const { rows } = await q.query<{ uid: number }>(
      `INSERT INTO datasets (name, columns) VALUES ($1, $2) RETURNING uid`,
      [name, JSON.stringify(columns)],
    );
    return rows[0]!.uid;
  } catch (err) {
    if (sqlState(err) === UNIQUE_VIOLATION) throw new DuplicateError('dataset', name);
    throw err;
  }
}

/** Inserts datapoints in dataset order (position = index). */
export async function insertDatapoints(q: Queryable, datasetUid: number, points: NewDatapoint[]): Promise<void> {
  for (let start = 0; start < points.length; start += BATCH) {
    const batch = points.slice(start, start + BATCH);
    await q.query(
      `INSERT INTO datapoints (dataset_uid, x_uid, split, position, data)
       SELECT $1, x, s, p, d FROM unnest($2::text[], $3::text[], $4::int[], $5::jsonb[]) AS t(x, s, p, d)`,
      [
        datasetUid,
        batch.map((p) => p.xUid),
        batch.map((p) => p.split),
        batch.map((_, i) => start + i),
        batch.map((p) => JSON.stringify(p.data)),
      ],
    );
  }
}

const selectDataset = `SELECT uid, name, columns, created_at AS "createdAt" FROM datasets`;

export async function findDataset(q: Queryable, uid: number): Promise<DatasetRecord | undefined> {
  return (await q.query<DatasetRecord>(`${selectDataset} WHERE uid = $1`, [uid])).rows[0];
}

/** Every dataset with its row count, oldest first. */
export async function listDatasets(q: Queryable): Promise<(DatasetRecord & { rows: number })[]> {
  return (
    await q.query<DatasetRecord & { rows: number }>(
      `SELECT d.uid, d.name, d.columns, d.created_at AS "createdAt",
              (SELECT count(*)::int FROM datapoints p WHERE p.dataset_uid = d.uid) AS rows
         FROM datasets d ORDER BY d.uid`,
    )
  ).rows;
}

export interface DatasetSummaryRecord {
  uid: number;
  name: string;
  /** How many user columns the dataset has. */
  columnCount: number;
  /** The first user columns, in order: at most the number asked for. */
  columns: string[];
  rowsBySplit: Record<string, number>;
  createdAt: Date;
}

/**
 * Every dataset, oldest first, with its column count and only its first `columns` column names (cut in SQL: a
 * million-column dataset made a full listing take 10 s and 729 MB), and its rows per split.
 */
export async function listDatasetSummaries(q: Queryable, columns: number): Promise<DatasetSummaryRecord[]> {
  return (
    await q.query<DatasetSummaryRecord>(
      `SELECT d.uid, d.name, jsonb_array_length(d.columns) AS "columnCount",
              jsonb_path_query_array(d.columns, '$[0 to $last]', jsonb_build_object('last', $1::int - 1)) AS columns,
              coalesce((SELECT jsonb_object_agg(s.split, s.n ORDER BY s.split)
                          FROM (SELECT split, count(*)::int AS n FROM datapoints p
                                 WHERE p.dataset_uid = d.uid GROUP BY split) s), '{}') AS "rowsBySplit",
              d.created_at AS "createdAt"
         FROM datasets d ORDER BY d.uid`,
      [columns],
    )
  ).rows;
}

export async function countBySplit(q: Queryable, datasetUid: number): Promise<Record<string, number>> {
  const { rows } = await q.query<{ split: string; n: number }>(
    `SELECT split, count(*)::int AS n FROM datapoints WHERE dataset_uid = $1 GROUP BY split ORDER BY split`,
    [datasetUid],
  );
  return Object.fromEntries(rows.map((r) => [r.split, r.n]));
}

export interface DatapointRecord {
  xUid: string;
  split: string;
  data: Record<string, unknown>;
}

/** Rows in dataset order, optionally of one split. */
export async function listDatapoints(
  q: Queryable,
  datasetUid: number,
  options: { split?: string; limit?: number; offset?: number } = {},
): Promise<DatapointRecord[]> {
  const { rows } = await q.query<DatapointRecord>(
    `SELECT x_uid AS "xUid", split, data FROM datapoints
      WHERE dataset_uid = $1 AND ($2::text IS NULL OR split = $2)
      ORDER BY position LIMIT $3 OFFSET $4`,
    [datasetUid, options.split ?? null, options.limit ?? null, options.offset ?? 0],
  );
  return rows;
}

/** Which of `xUids` are not datapoints of the dataset. */
export async function unknownXUids(q: Queryable, datasetUid: number, xUids: string[]): Promise<string[]> {
  const { rows } = await q.query<{ x: string }>(
    `SELECT x FROM unnest($2::text[]) AS x WHERE NOT EXISTS (SELECT 1 FROM datapoints d WHERE d.dataset_uid = $1 AND d.x_uid = x)`,
    [datasetUid, xUids],
  );
  return rows.map((r) => r.x);
}
