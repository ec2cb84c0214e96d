/** Benchmarks: a dataset plus the criteria, evaluators and slices that belong to it. */
import type { Queryable } from './pool';
import { DuplicateError, NotFoundError } from '../errors';
import { FOREIGN_KEY_VIOLATION, UNIQUE_VIOLATION, sqlState } from './errors';

export interface BenchmarkRecord {
  uid: number;
  name: string;
  description: string;
  datasetUid: number;
  createdAt: Date;
}

const selectBenchmark = `SELECT uid, name, description, dataset_uid AS "datasetUid", created_at AS "createdAt" FROM benchmarks`;

export async function insertBenchmark(
  q: Queryable,
  b: { name: string; description: string; datasetUid: number },
): Promise<number> {
  try {
    const { rows } = await q.query<{ uid: number }>(
      `INSERT INTO benchmarks (name, description, dataset_uid) VALUES ($1, $2, $3) RETURNING uid`,
      [b.name, b.description, b.datasetUid],
    );
    return rows[0]!.uid;
  } catch (err) {
    if (sqlState(err) === UNIQUE_VIOLATION) throw new DuplicateError('benchmark', b.name);
    if (sqlState(err) === FOREIGN_KEY_VIOLATION) throw new NotFoundError('dataset', b.datasetUid);
    throw err;
  }
}

export async function findBenchmark(q: Queryable, uid: number): Promise<BenchmarkRecord | undefined> {
  return (await q.query<BenchmarkRecord>(`${selectBenchmark} WHERE uid = $1`, [uid])).rows[0];
}

export async function listBenchmarks(q: Queryable): Promise<BenchmarkRecord[]> {
  return (await q.query<BenchmarkRecord>(`${selectBenchmark} ORDER BY uid`)).rows;
}
