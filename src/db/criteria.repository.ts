/** Criteria with their labels, and ground truth per (criteria, datapoint). */
import type { Queryable } from './pool';
import { DuplicateError, NotFoundError } from '../errors';
import { FOREIGN_KEY_VIOLATION, UNIQUE_VIOLATION, sqlState } from './errors';

export interface LabelRecord {
  name: string;
  score: number;
  description: string;
}

export interface CriteriaRecord {
  uid: number;
  benchmarkUid: number;
  name: string;
  description: string;
  requiresRationale: boolean;
  labels: LabelRecord[];
  createdAt: Date;
}

const selectCriteria = `
  SELECT c.uid, c.benchmark_uid AS "benchmarkUid", c.name, c.description, c.requires_rationale AS "requiresRationale",
         coalesce((SELECT json_agg(json_build_object('name', l.name, 'score', l.score, 'description', l.description)
                             ORDER BY l.position) FROM criteria_labels l WHERE l.criteria_uid = c.uid), '[]') AS labels,
         c.created_at AS "createdAt"
    FROM criteria c`;

export async function insertCriteria(
  q: Queryable,
  c: { benchmarkUid: number; name: string; description: string; requiresRationale: boolean; labels: LabelRecord[] },
): Promise<number> {
  let uid: number;
  try {
    const { rows } = await q.query<{ uid: number }>(
      `INSERT INTO criteria (benchmark_uid, name, description, requires_rationale) VALUES ($1, $2, $3, $4) RETURNING uid`,
      [c.benchmarkUid, c.name, c.description, c.requiresRationale],
    );
    uid = rows[0]!.uid;
  } catch (err) {
    if (sqlState(err) === UNIQUE_VIOLATION) throw new DuplicateError('criteria', c.name, `benchmark ${c.benchmarkUid}`);
    if (sqlState(err) === FOREIGN_KEY_VIOLATION) throw new NotFoundError('benchmark', c.benchmarkUid);
    throw err;
  }
  await q.query(
    `INSERT INTO criteria_labels (criteria_uid, name, score, description, position)
     SELECT $1, n, s, d, p FROM unnest($2::text[], $3::int[], $4::text[], $5::int[]) AS t(n, s, d, p)`,
    [
      uid,
      c.labels.map((l) => l.name),
      c.labels.map((l) => l.score),
      c.labels.map((l) => l.description),
      c.labels.map((_, i) => i),
    ],
  );
  return uid;
}

export async function findCriteria(q: Queryable, uid: number): Promise<CriteriaRecord | undefined> {
  return (await q.query<CriteriaRecord>(`${selectCriteria} WHERE c.uid = $1`, [uid])).rows[0];
}

export async function listCriteria(q: Queryable, benchmarkUid: number): Promise<CriteriaRecord[]> {
  return (await q.query<CriteriaRecord>(`${selectCriteria} WHERE c.benchmark_uid = $1 ORDER BY c.uid`, [benchmarkUid]))
    .rows;
}

/** Upserts ground truth scores (one per datapoint). */
export async function upsertGroundTruth(
  q: Queryable,
  criteriaUid: number,
  datasetUid: number,
  labels: { xUid: string; score: number }[],
) {
  await q.query(
    `INSERT INTO ground_truth (criteria_uid, dataset_uid, x_uid, score)
     SELECT $1, $2, x, s FROM unnest($3::text[], $4::int[]) AS t(x, s)
     ON CONFLICT (criteria_uid, x_uid) DO UPDATE SET score = EXCLUDED.score, updated_at = now()`,
    [criteriaUid, datasetUid, labels.map((l) => l.xUid), labels.map((l) => l.score)],
  );
}

export async function getGroundTruth(q: Queryable, criteriaUid: number): Promise<Record<string, number>> {
  const { rows } = await q.query<{ x_uid: string; score: number }>(
    `SELECT g.x_uid, g.score FROM ground_truth g JOIN datapoints d ON d.dataset_uid = g.dataset_uid AND d.x_uid = g.x_uid
      WHERE g.criteria_uid = $1 ORDER BY d.position`,
    [criteriaUid],
  );
  return Object.fromEntries(rows.map((r) => [r.x_uid, r.score]));
}

/**
 * How many of a criteria's ground-truth datapoints there are, and on how many of them a dataset column holds that
 * ground truth (its score, or its label's name in any case).
 */
export async function countGroundTruthInColumn(
  q: Queryable,
  criteriaUid: number,
  column: string,
): Promise<{ withTruth: number; matching: number }> {
  const { rows } = await q.query<{ withTruth: number; matching: number }>(
    `SELECT count(*)::int AS "withTruth",
            count(*) FILTER (WHERE trim(d.data->>$2) = g.score::text
                                OR lower(trim(d.data->>$2)) = lower(l.name))::int AS matching
       FROM ground_truth g
       JOIN datapoints d ON d.dataset_uid = g.dataset_uid AND d.x_uid = g.x_uid
       LEFT JOIN criteria_labels l ON l.criteria_uid = g.criteria_uid AND l.score = g.score
      WHERE g.criteria_uid = $1`,
    [criteriaUid, column],
  );
  return rows[0] ?? { withTruth: 0, matching: 0 };
}
