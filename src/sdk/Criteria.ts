/** A criteria (e.g. "helpfulness"): labels with integer scores, a description, whether a rationale is required. */
import { Judgeflow } from './Judgeflow';
import { requireUid } from '../errors';
import {
  createCriteria,
  listBenchmarkCriteria,
  readGroundTruth,
  requireCriteria,
  setGroundTruth,
  type CreateCriteriaParams,
  type CriteriaRecord,
  type GroundTruthInput,
  type LabelRecord,
} from '../services/client/criteria';

export type { CreateCriteriaParams, CriteriaLabel, GroundTruthInput } from '../services/client/criteria';

export class Criteria {
  readonly criteriaUid: number;
  readonly benchmarkUid: number;
  readonly name: string;
  readonly description: string;
  readonly requiresRationale: boolean;
  readonly labels: LabelRecord[];

  /** The client this object was read with: a true private field, so no way of printing the object shows it. */
  readonly #client: Judgeflow;
  readonly #record: CriteriaRecord;

  private constructor(client: Judgeflow, record: CriteriaRecord) {
    this.#client = client;
    this.#record = record;
    this.criteriaUid = record.uid;
    this.benchmarkUid = record.benchmarkUid;
    this.name = record.name;
    this.description = record.description;
    this.requiresRationale = record.requiresRationale;
    this.labels = record.labels;
  }

  static async create(params: CreateCriteriaParams, client?: Judgeflow): Promise<Criteria> {
    const jf = Judgeflow.resolve(client);
    return new Criteria(jf, await createCriteria(jf, params));
  }

  static async get(criteriaUid: number, client?: Judgeflow): Promise<Criteria> {
    requireUid('criteriaUid', criteriaUid);
    const jf = Judgeflow.resolve(client);
    return new Criteria(jf, await requireCriteria(jf, criteriaUid));
  }

  static async list(benchmarkUid: number, client?: Judgeflow): Promise<Criteria[]> {
    requireUid('benchmarkUid', benchmarkUid);
    const jf = Judgeflow.resolve(client);
    return (await listBenchmarkCriteria(jf, benchmarkUid)).map((r) => new Criteria(jf, r));
  }

  /** Sets ground truth for datapoints of the benchmark's dataset; all or nothing. */
  setGroundTruth(input: GroundTruthInput): Promise<number> {
    return setGroundTruth(this.#client, this.#record, input);
  }

  /** `{ xUid: score }` in dataset order. */
  getGroundTruth(): Promise<Record<string, number>> {
    return readGroundTruth(this.#client, this.criteriaUid);
  }
}
