/**
 * Slices, each use case once: create (explicit xUids, or a column filter whose membership is computed and stored),
 * get, list a benchmark's, the slices of a datapoint, and members.
 */
import {
  InvalidSliceFilterError,
  NotFoundError,
  ValidationError,
  requireNonEmptyString,
  requireUid,
} from '../../errors';
import { countBySplit, findDataset, listDatapoints, unknownXUids } from '../../db/dataset.repository';
import {
  findSlice,
  insertSlice,
  listSlices,
  sliceMembers,
  slicesOfDatapoint,
  type SliceRecord,
} from '../../db/slice.repository';
import { matchesSliceFilter, validateSliceFilter, type SliceFilter } from '../../dataset/slice-filter';
import type { StorageContext } from '../common/context';
import { requireBenchmark } from './benchmarks';

export type { SliceRecord } from '../../db/slice.repository';

export interface CreateSliceParams {
  benchmarkUid: number;
  name: string;
  description?: string;
  /** Explicit membership… */
  xUids?: string[];
  /** …or a filter over columns and splits (see src/dataset/slice-filter.ts). */
  filter?: SliceFilter;
}

export async function createSlice(ctx: StorageContext, params: CreateSliceParams): Promise<SliceRecord> {
  requireUid('benchmarkUid', params.benchmarkUid);
  requireNonEmptyString('slice name', params.name);
  if ((params.xUids === undefined) === (params.filter === undefined)) {
    throw new InvalidSliceFilterError('a slice needs exactly one of xUids (explicit membership) or filter');
  }
  const benchmark = await requireBenchmark(ctx, params.benchmarkUid);
  const { xUids, filter } =
    params.xUids !== undefined
      ? { xUids: await explicitMembers(ctx, benchmark.datasetUid, params.name, params.xUids), filter: null }
      : await filterMembers(ctx, benchmark.datasetUid, params.filter);
  const uid = await ctx.db.withTransaction((tx) =>
    insertSlice(tx, {
      benchmarkUid: benchmark.uid,
      datasetUid: benchmark.datasetUid,
      name: params.name,
      description: params.description ?? '',
      filter,
      xUids,
    }),
  );
  return requireSlice(ctx, uid);
}

export async function requireSlice(ctx: StorageContext, sliceUid: number): Promise<SliceRecord> {
  const r = await findSlice(ctx.db, sliceUid);
  if (!r) throw new NotFoundError('slice', sliceUid);
  return r;
}

export async function listBenchmarkSlices(ctx: StorageContext, benchmarkUid: number): Promise<SliceRecord[]> {
  await requireBenchmark(ctx, benchmarkUid);
  return listSlices(ctx.db, benchmarkUid);
}

/** The slices of a benchmark that a datapoint belongs to. */
export function listSlicesOfDatapoint(ctx: StorageContext, benchmarkUid: number, xUid: string): Promise<SliceRecord[]> {
  return slicesOfDatapoint(ctx.db, benchmarkUid, xUid);
}

/** Member xUids in dataset order. */
export function listSliceMembers(ctx: StorageContext, sliceUid: number): Promise<string[]> {
  return sliceMembers(ctx.db, sliceUid);
}

async function explicitMembers(ctx: StorageContext, datasetUid: number, name: string, xUids: unknown) {
  if (!Array.isArray(xUids) || xUids.some((x) => typeof x !== 'string')) {
    throw new ValidationError(`xUids must be an array of strings, got ${JSON.stringify(xUids)}`);
  }
  const given = xUids as string[];
  const unknown = await unknownXUids(ctx.db, datasetUid, given);
  if (unknown.length) {
    throw new ValidationError(
      `slice "${name}": ${unknown.length} xUid(s) are not in the dataset: ${unknown
        .slice(0, 5)
        .map((x) => JSON.stringify(x))
        .join(', ')}`,
    );
  }
  return [...new Set(given)];
}

async function filterMembers(ctx: StorageContext, datasetUid: number, given: SliceFilter | undefined) {
  const dataset = (await findDataset(ctx.db, datasetUid))!;
  const filter = validateSliceFilter(given, dataset.columns, Object.keys(await countBySplit(ctx.db, dataset.uid)));
  const rows = await listDatapoints(ctx.db, dataset.uid);
  return { xUids: rows.filter((r) => matchesSliceFilter(filter, r)).map((r) => r.xUid), filter };
}
