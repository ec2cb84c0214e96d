/** A slice: a named subset of a benchmark's datapoints, by explicit xUids or a column filter; membership is stored. */
import { Judgeflow } from './Judgeflow';
import { InvalidSliceFilterError, NotFoundError, ValidationError, requireNonEmptyString, requireUid } from '../errors';
import { findBenchmark } from '../db/benchmark.repository';
import { countBySplit, findDataset, listDatapoints, unknownXUids } from '../db/dataset.repository';
import {
  findSlice,
  insertSlice,
  listSlices,
  sliceMembers,
  slicesOfDatapoint,
  type SliceRecord,
} from '../db/slice.repository';
import { matchesSliceFilter, validateSliceFilter, type SliceFilter } from '../dataset/slice-filter';

export type { SliceFilter } from '../dataset/slice-filter';

export interface CreateSliceParams {
  benchmarkUid: number;
  name: string;
  description?: string;
  /** Explicit membership… */
  xUids?: string[];
  /** …or a filter over columns and splits (see src/dataset/slice-filter.ts). */
  filter?: SliceFilter;
}

export class Slice {
  readonly sliceUid: number;
  readonly benchmarkUid: number;
  readonly name: string;
  readonly description: string;
  readonly filter: SliceFilter | null;
  /** Number of member datapoints. */
  readonly size: number;

  private constructor(
    private readonly client: Judgeflow,
    r: SliceRecord,
  ) {
    this.sliceUid = r.uid;
    this.benchmarkUid = r.benchmarkUid;
    this.name = r.name;
    this.description = r.description;
    this.filter = r.filter as SliceFilter | null;
    this.size = r.size;
  }

  static async create(params: CreateSliceParams, client?: Judgeflow): Promise<Slice> {
    const jf = Judgeflow.resolve(client);
    requireUid('benchmarkUid', params.benchmarkUid);
    requireNonEmptyString('slice name', params.name);
    if ((params.xUids === undefined) === (params.filter === undefined)) {
      throw new InvalidSliceFilterError('a slice needs exactly one of xUids (explicit membership) or filter');
    }
    const benchmark = await findBenchmark(jf.db, params.benchmarkUid);
    if (!benchmark) throw new NotFoundError('benchmark', params.benchmarkUid);
    let xUids: string[];
    let filter: SliceFilter | null = null;
    if (params.xUids !== undefined) {
      if (!Array.isArray(params.xUids) || params.xUids.some((x) => typeof x !== 'string')) {
        throw new ValidationError(`xUids must be an array of strings, got ${JSON.stringify(params.xUids)}`);
      }
      const unknown = await unknownXUids(jf.db, benchmark.datasetUid, params.xUids);
      if (unknown.length) {
        throw new ValidationError(
          `slice "${params.name}": ${unknown.length} xUid(s) are not in the dataset: ${unknown
            .slice(0, 5)
            .map((x) => JSON.stringify(x))
            .join(', ')}`,
        );
      }
      xUids = [...new Set(params.xUids)];
    } else {
      const dataset = (await findDataset(jf.db, benchmark.datasetUid))!;
      filter = validateSliceFilter(params.filter, dataset.columns, Object.keys(await countBySplit(jf.db, dataset.uid)));
      const rows = await listDatapoints(jf.db, dataset.uid);
      xUids = rows.filter((r) => matchesSliceFilter(filter!, r)).map((r) => r.xUid);
    }
    const uid = await jf.db.withTransaction((tx) =>
      insertSlice(tx, {
        benchmarkUid: benchmark.uid,
        datasetUid: benchmark.datasetUid,
        name: params.name,
        description: params.description ?? '',
        filter,
        xUids,
      }),
    );
    return Slice.get(uid, jf);
  }

  static async get(sliceUid: number, client?: Judgeflow): Promise<Slice> {
    requireUid('sliceUid', sliceUid);
    const jf = Judgeflow.resolve(client);
    const r = await findSlice(jf.db, sliceUid);
    if (!r) throw new NotFoundError('slice', sliceUid);
    return new Slice(jf, r);
  }

  static async list(benchmarkUid: number, client?: Judgeflow): Promise<Slice[]> {
    requireUid('benchmarkUid', benchmarkUid);
    const jf = Judgeflow.resolve(client);
    if (!(await findBenchmark(jf.db, benchmarkUid))) throw new NotFoundError('benchmark', benchmarkUid);
    return (await listSlices(jf.db, benchmarkUid)).map((r) => new Slice(jf, r));
  }

  /** The slices of a benchmark that a datapoint belongs to. */
  static async ofDatapoint(benchmarkUid: number, xUid: string, client?: Judgeflow): Promise<Slice[]> {
    requireUid('benchmarkUid', benchmarkUid);
    const jf = Judgeflow.resolve(client);
    return (await slicesOfDatapoint(jf.db, benchmarkUid, xUid)).map((r) => new Slice(jf, r));
  }

  /** Member xUids in dataset order. */
  members(): Promise<string[]> {
    return sliceMembers(this.client.db, this.sliceUid);
  }
}
