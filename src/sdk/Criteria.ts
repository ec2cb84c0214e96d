/** A criteria (e.g. "helpfulness"): labels with integer scores, a description, whether a rationale is required. */
import { Judgeflow } from './Judgeflow';
import {
  MAX_NAME_LENGTH,
  MAX_UID,
  requireMaxLength,
  InvalidGroundTruthError,
  InvalidLabelsError,
  NotFoundError,
  requireNonEmptyString,
  show,
  requireUid,
} from '../errors';
import { findBenchmark } from '../db/benchmark.repository';
import {
  findCriteria,
  getGroundTruth,
  insertCriteria,
  listCriteria,
  upsertGroundTruth,
  type CriteriaRecord,
  type LabelRecord,
} from '../db/criteria.repository';
import { unknownXUids } from '../db/dataset.repository';

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

export class Criteria {
  readonly criteriaUid: number;
  readonly benchmarkUid: number;
  readonly name: string;
  readonly description: string;
  readonly requiresRationale: boolean;
  readonly labels: LabelRecord[];

  private constructor(
    private readonly client: Judgeflow,
    record: CriteriaRecord,
  ) {
    this.criteriaUid = record.uid;
    this.benchmarkUid = record.benchmarkUid;
    this.name = record.name;
    this.description = record.description;
    this.requiresRationale = record.requiresRationale;
    this.labels = record.labels;
  }

  static async create(params: CreateCriteriaParams, client?: Judgeflow): Promise<Criteria> {
    const jf = Judgeflow.resolve(client);
    requireUid('benchmarkUid', params.benchmarkUid);
    requireNonEmptyString('criteria name', params.name);
    const labels = validateLabels(params.labels);
    if (!(await findBenchmark(jf.db, params.benchmarkUid))) throw new NotFoundError('benchmark', params.benchmarkUid);
    const uid = await jf.db.withTransaction((tx) =>
      insertCriteria(tx, {
        benchmarkUid: params.benchmarkUid,
        name: params.name,
        description: params.description ?? '',
        requiresRationale: params.requiresRationale ?? true,
        labels,
      }),
    );
    return Criteria.get(uid, jf);
  }

  static async get(criteriaUid: number, client?: Judgeflow): Promise<Criteria> {
    requireUid('criteriaUid', criteriaUid);
    const jf = Judgeflow.resolve(client);
    const record = await findCriteria(jf.db, criteriaUid);
    if (!record) throw new NotFoundError('criteria', criteriaUid);
    return new Criteria(jf, record);
  }

  static async list(benchmarkUid: number, client?: Judgeflow): Promise<Criteria[]> {
    requireUid('benchmarkUid', benchmarkUid);
    const jf = Judgeflow.resolve(client);
    if (!(await findBenchmark(jf.db, benchmarkUid))) throw new NotFoundError('benchmark', benchmarkUid);
    return (await listCriteria(jf.db, benchmarkUid)).map((r) => new Criteria(jf, r));
  }

  /** Sets ground truth for datapoints of the benchmark's dataset; all or nothing. */
  async setGroundTruth(input: GroundTruthInput): Promise<number> {
    // JavaScript callers can pass anything: entries are checked below, whatever their declared type.
    const entries: (readonly [unknown, unknown])[] = Array.isArray(input)
      ? (input as unknown[]).map((e) => {
          const entry = (e ?? {}) as { xUid?: unknown; score?: unknown; label?: unknown };
          return [entry.xUid, entry.score ?? entry.label] as const;
        })
      : Object.entries(input);
    const byName = new Map(this.labels.map((l) => [l.name.toLowerCase(), l.score]));
    const scores = new Set(this.labels.map((l) => l.score));
    const allowed = this.labels.map((l) => `${l.score} (${l.name})`).join(', ');
    const labels = entries.map(([xUid, value]) => {
      if (typeof xUid !== 'string' || !xUid)
        throw new InvalidGroundTruthError(`ground truth needs an xUid string, got ${JSON.stringify(xUid)}`);
      const score = typeof value === 'string' ? byName.get(value.toLowerCase()) : value;
      if (typeof score !== 'number' || !scores.has(score)) {
        throw new InvalidGroundTruthError(
          `ground truth for ${JSON.stringify(xUid)} is ${JSON.stringify(value)}, which is not a label of criteria "${this.name}": expected one of ${allowed}`,
        );
      }
      return { xUid, score };
    });
    const benchmark = await findBenchmark(this.client.db, this.benchmarkUid);
    const datasetUid = benchmark!.datasetUid;
    const unknown = await unknownXUids(
      this.client.db,
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
    await this.client.db.withTransaction((tx) => upsertGroundTruth(tx, this.criteriaUid, datasetUid, labels));
    return labels.length;
  }

  /** `{ xUid: score }` in dataset order. */
  async getGroundTruth(): Promise<Record<string, number>> {
    return getGroundTruth(this.client.db, this.criteriaUid);
  }
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
