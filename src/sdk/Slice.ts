/** A slice: a named subset of a benchmark's datapoints, by explicit xUids or a column filter; membership is stored. */
import { Judgeflow } from './Judgeflow';
import { requireUid } from '../errors';
import type { SliceFilter } from '../dataset/slice-filter';
import {
  createSlice,
  listBenchmarkSlices,
  listSliceMembers,
  listSlicesOfDatapoint,
  requireSlice,
  type CreateSliceParams,
  type SliceRecord,
} from '../services/client/slices';

export type { SliceFilter } from '../dataset/slice-filter';
export type { CreateSliceParams } from '../services/client/slices';

export class Slice {
  readonly sliceUid: number;
  readonly benchmarkUid: number;
  readonly name: string;
  readonly description: string;
  readonly filter: SliceFilter | null;
  /** Number of member datapoints. */
  readonly size: number;

  /** The client this object was read with: a true private field, so no way of printing the object shows it. */
  readonly #client: Judgeflow;

  private constructor(client: Judgeflow, r: SliceRecord) {
    this.#client = client;
    this.sliceUid = r.uid;
    this.benchmarkUid = r.benchmarkUid;
    this.name = r.name;
    this.description = r.description;
    this.filter = r.filter as SliceFilter | null;
    this.size = r.size;
  }

  static async create(params: CreateSliceParams, client?: Judgeflow): Promise<Slice> {
    const jf = Judgeflow.resolve(client);
    return new Slice(jf, await createSlice(jf, params));
  }

  static async get(sliceUid: number, client?: Judgeflow): Promise<Slice> {
    requireUid('sliceUid', sliceUid);
    const jf = Judgeflow.resolve(client);
    return new Slice(jf, await requireSlice(jf, sliceUid));
  }

  static async list(benchmarkUid: number, client?: Judgeflow): Promise<Slice[]> {
    requireUid('benchmarkUid', benchmarkUid);
    const jf = Judgeflow.resolve(client);
    return (await listBenchmarkSlices(jf, benchmarkUid)).map((r) => new Slice(jf, r));
  }

  /** The slices of a benchmark that a datapoint belongs to. */
  static async ofDatapoint(benchmarkUid: number, xUid: string, client?: Judgeflow): Promise<Slice[]> {
    requireUid('benchmarkUid', benchmarkUid);
    const jf = Judgeflow.resolve(client);
    return (await listSlicesOfDatapoint(jf, benchmarkUid, xUid)).map((r) => new Slice(jf, r));
  }

  /** Member xUids in dataset order. */
  members(): Promise<string[]> {
    return listSliceMembers(this.#client, this.sliceUid);
  }
}
