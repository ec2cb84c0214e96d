/** Slices and their stored membership. */
import type { Queryable } from './pool';
import { DuplicateError } from '../errors';
import { UNIQUE_VIOLATION, sqlState } from './errors';

export interface SliceRecord {
  uid: number;
  benchmarkUid: number;
  name: string;
  description: string;
  filter: unknown;
  size: number;
  createdAt: Date;
}

const selectSlice = `
  SELECT s.uid, s.benchmark_uid AS "benchmarkUid", s.name, s.description, s.filter,
         (SELECT count(*)::int FROM slice_members m WHERE m.slice_uid = s.uid) AS size, s.created_at AS "createdAt"
    FROM slices s`;

export async function insertSlice(
  q: Queryable,
  s: { benchmarkUid: number; datasetUid: number; name: string; description: string; filter: unknown; xUids: string[] },
): Promise<number> {
  let uid: number;
  try {
    const { rows } = await q.query<{ uid: number }>(
      `INSERT INTO slices (benchmark_uid, name, description, filter) VALUES ($1, $2, $3, $4) RETURNING uid`,
      [s.benchmarkUid, s.name, s.description, s.filter === null ? null : JSON.stringify(s.filter)],
    );
    uid = rows[0]!.uid;
  } catch (err) {
    if (sqlState(err) === UNIQUE_VIOLATION) throw new DuplicateError('slice', s.name, `benchmark ${s.benchmarkUid}`);
    throw err;
  }
  await q.query(
    `INSERT INTO slice_members (slice_uid, dataset_uid, x_uid) SELECT $1, $2, x FROM unnest($3::text[]) AS x ON CONFLICT DO NOTHING`,
    [uid, s.datasetUid, s.xUids],
  );
  return uid;
}

export async function findSlice(q: Queryable, uid: number): Promise<SliceRecord | undefined> {
  return (await q.query<SliceRecord>(`${selectSlice} WHERE s.uid = $1`, [uid])).rows[0];
}

export async function listSlices(q: Queryable, benchmarkUid: number): Promise<SliceRecord[]> {
  return (await q.query<SliceRecord>(`${selectSlice} WHERE s.benchmark_uid = $1 ORDER BY s.uid`, [benchmarkUid])).rows;
}

export async function slicesOfDatapoint(q: Queryable, benchmarkUid: number, xUid: string): Promise<SliceRecord[]> {
  return (
    await q.query<SliceRecord>(
      `${selectSlice} WHERE s.benchmark_uid = $1 AND EXISTS (SELECT 1 FROM slice_members m WHERE m.slice_uid = s.uid AND m.x_uid = $2) ORDER BY s.uid`,
      [benchmarkUid, xUid],
    )
  ).rows;
}

/** Members in dataset order. */
export async function sliceMembers(q: Queryable, sliceUid: number): Promise<string[]> {
  const { rows } = await q.query<{ x_uid: string }>(
    `SELECT m.x_uid FROM slice_members m JOIN datapoints d ON d.dataset_uid = m.dataset_uid AND d.x_uid = m.x_uid
      WHERE m.slice_uid = $1 ORDER BY d.position`,
    [sliceUid],
  );
  return rows.map((r) => r.x_uid);
}
