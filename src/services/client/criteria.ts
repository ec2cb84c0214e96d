/**
 * Criteria and their ground truth, each use case once: create (labels with unique integer scores), get, list a
 * benchmark's, set ground truth (all or nothing, checked against the labels and the dataset) and read it.
 */
import {
  MAX_NAME_LENGTH,
  MAX_UID,
  InvalidGroundTruthError,
  InvalidLabelsError,
  NotFoundError,
  requireMaxLength,
  requireNonEmptyString,
  requireUid,
  show,
} from '../../errors';
import {
  findCriteria,
  getGroundTruth,
  insertCriteria,
  listCriteria,
  upsertGroundTruth,
  type CriteriaRecord,
  type LabelRecord,
} from '../../db/criteria.repository';
import { unknownXUids } from '../../db/dataset.repository';
import type { StorageContext } from '../common/context';
import { requireBenchmark } from './benchmarks';

export type { CriteriaRecord, LabelRecord } from '../../db/criteria.repository';

export interface CriteriaLabel {
  name: string;
  /** An integer, unique within the criteria. */
  score: number;
  description?: string;
}

export interface CreateCriteriaParams {
  benchmarkUid: number;
  name: string;
  description?: string;
  labels: CriteriaLabel[];
  /** Whether judges must give a rationale (default true). */
  requiresRationale?: boolean;
}

/** Ground truth: `{ xUid: score or label name }`, or a list of `{ xUid, score }` / `{ xUid, label }`. */
export type GroundTruthInput = Record<string, number | string> | { xUid: string; score?: number; label?: string }[];

export async function createCriteria(ctx: StorageContext, params: CreateCriteriaParams): Promise<CriteriaRecord> {
  requireUid('benchmarkUid', params.benchmarkUid);
  requireNonEmptyString('criteria name', params.name);
  const labels = validateLabels(params.labels);
  await requireBenchmark(ctx, params.benchmarkUid);
  const uid = await ctx.db.withTransaction((tx) =>
    insertCriteria(tx, {
      benchmarkUid: params.benchmarkUid,
      name: params.name,
      description: params.description ?? '',
      requiresRationale: params.requiresRationale ?? true,
      labels,
    }),
  );
  return requireCriteria(ctx, uid);
}

export async function requireCriteria(ctx: StorageContext, criteriaUid: number): Promise<CriteriaRecord> {
  const record = await findCriteria(ctx.db, criteriaUid);
  if (!record) throw new NotFoundError('criteria', criteriaUid);
  return record;
}

export async function listBenchmarkCriteria(ctx: StorageContext, benchmarkUid: number): Promise<CriteriaRecord[]> {
  await requireBenchmark(ctx, benchmarkUid);
  return listCriteria(ctx.db, benchmarkUid);
}

/** Sets ground truth for datapoints of the benchmark's dataset; all or nothing. Returns how many were set. */
export async function setGroundTruth(
  ctx: StorageContext,
  criteria: CriteriaRecord,
  input: GroundTruthInput,
): Promise<number> {
  const labels = groundTruthScores(criteria, input);
  const { datasetUid } = await requireBenchmark(ctx, criteria.benchmarkUid);
  const unknown = await unknownXUids(
    ctx.db,
    datasetUid,
    labels.map((l) => l.xUid),
  );
  if (unknown.length) {
    throw new InvalidGroundTruthError(
      `ground truth names ${unknown.length} datapoint(s) not in dataset ${datasetUid}: ${unknown
        .slice(0, 5)
        .map((x) => JSON.stringify(x))
        .join(', ')}`,
    );
  }
  await ctx.db.withTransaction((tx) => upsertGroundTruth(tx, criteria.uid, datasetUid, labels));
  return labels.length;
}

/** `{ xUid: score }` in dataset order. */
export function readGroundTruth(ctx: StorageContext, criteriaUid: number): Promise<Record<string, number>> {
  return getGroundTruth(ctx.db, criteriaUid);
}

/** Each entry as `{ xUid, score }`, a label name mapped to its score; anything else is refused with the labels. */
function groundTruthScores(criteria: CriteriaRecord, input: GroundTruthInput): { xUid: string; score: number }[] {
  // JavaScript callers can pass anything: entries are checked below, whatever their declared type.
  const entries: (readonly [unknown, unknown])[] = Array.isArray(input)
    ? (input as unknown[]).map((e) => {
        const entry = (e ?? {}) as { xUid?: unknown; score?: unknown; label?: unknown };
        return [entry.xUid, entry.score ?? entry.label] as const;
      })
    : Object.entries(input);
  const byName = new Map(criteria.labels.map((l) => [l.name.toLowerCase(), l.score]));
  const scores = new Set(criteria.labels.map((l) => l.score));
  const allowed = criteria.labels.map((l) => `${l.score} (${l.name})`).join(', ');
  return entries.map(([xUid, value]) => {
    if (typeof xUid !== 'string' || !xUid)
      throw new InvalidGroundTruthError(`ground truth needs an xUid string, got ${JSON.stringify(xUid)}`);
    const score = typeof value === 'string' ? byName.get(value.toLowerCase()) : value;
    if (typeof score !== 'number' || !scores.has(score)) {
      throw new InvalidGroundTruthError(
        `ground truth for ${JSON.stringify(xUid)} is ${JSON.stringify(value)}, which is not a label of criteria "${criteria.name}": expected one of ${allowed}`,
      );
    }
    return { xUid, score };
  });
}

function validateLabels(labels: unknown): LabelRecord[] {
  if (!Array.isArray(labels) || labels.length < 2) {
    throw new InvalidLabelsError(
      `a criteria needs at least two labels { name, score, description? }, got ${show(labels)}`,
    );
  }
  const scores = new Set<number>();
  const names = new Set<string>();
  return (labels as (Partial<CriteriaLabel> | null | undefined)[]).map((l, i) => {
    if (typeof l?.name !== 'string' || !l.name.trim()) {
      throw new InvalidLabelsError(`labels[${i}].name must be a non-empty string, got ${show(l?.name)}`);
    }
    if (typeof l.score !== 'number' || !Number.isInteger(l.score) || Math.abs(l.score) > MAX_UID) {
      throw new InvalidLabelsError(
        `labels[${i}].score must be an integer from -${MAX_UID} to ${MAX_UID}, got ${show(l.score)} (label "${l.name}")`,
      );
    }
    requireMaxLength(`labels[${i}].name`, l.name, MAX_NAME_LENGTH);
    if (scores.has(l.score))
      throw new InvalidLabelsError(`labels[${i}].score ${l.score} is used by another label; scores must be unique`);
    if (names.has(l.name.toLowerCase()))
      throw new InvalidLabelsError(`labels[${i}].name "${l.name}" is used by another label`);
    scores.add(l.score);
    names.add(l.name.toLowerCase());
    return { name: l.name, score: l.score, description: l.description ?? '' };
  });
}
