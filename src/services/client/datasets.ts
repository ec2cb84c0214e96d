/**
 * Datasets, each use case once: import (from objects, a CSV or a JSONL file) in one transaction — a bad file
 * writes nothing — get, list, rows and split counts. Rows get a stable string `xUid` (from an `x_uid` column, else
 * `row-<position>`) and a `split` (from a `split` column, else the `split` option); other columns are user columns.
 */
import {
  EmptyDatasetError,
  MalformedFileError,
  NotFoundError,
  ValidationError,
  requireNonEmptyString,
  show,
} from '../../errors';
import { readCsvFile, readJsonlFile, type ReadDataset, type SourceRow } from '../../dataset/readers';
import { toDatapoints, userColumnsOf, type RowFailure } from '../../dataset/datapoints';
import { MAX_SPLIT_LENGTH, newColumnProblem } from '../../dataset/limits';
import {
  countBySplit,
  findDataset,
  insertDatapoints,
  insertDataset,
  listDatapoints,
  listDatasets as listDatasetRecords,
  listDatasetSummaries as listDatasetSummaryRecords,
  type DatapointRecord,
  type DatasetSummaryRecord,
  type DatasetRecord,
} from '../../db/dataset.repository';
import type { StorageContext } from '../common/context';

export type { DatapointRecord, DatasetRecord, DatasetSummaryRecord } from '../../db/dataset.repository';

export { SPLIT_COLUMN, X_UID_COLUMN } from '../../dataset/datapoints';

export interface DatasetImportOptions {
  name: string;
  /** Split of rows that have no `split` column value. */
  split?: string;
}

/** From an array of objects; column order is the order keys are first seen. */
export function createDataset(
  ctx: StorageContext,
  options: DatasetImportOptions & { rows: Record<string, unknown>[] },
): Promise<DatasetRecord> {
  // JavaScript callers can pass anything: check the values, not their declared types.
  const given: unknown = options.rows;
  if (!Array.isArray(given)) throw new ValidationError(`rows must be an array of objects, got ${show(given)}`);
  const columns: string[] = [];
  const seen = new Set<string>();
  const rows: SourceRow[] = (given as unknown[]).map((values, i) => {
    if (!values || typeof values !== 'object' || Array.isArray(values)) {
      throw new ValidationError(`rows[${i}] must be an object, got ${JSON.stringify(values)}`);
    }
    for (const key of Object.keys(values)) {
      if (seen.has(key)) continue;
      const problem = newColumnProblem(key, columns.length);
      if (problem) throw new ValidationError(`rows[${i}]: ${problem}`);
      seen.add(key);
      columns.push(key);
    }
    return { line: i, values: values as Record<string, unknown> };
  });
  const fail: RowFailure = (i, reason) => {
    throw new ValidationError(`rows[${i}]: ${reason}`);
  };
  return importDataset(ctx, options, { columns, rows }, { source: 'rows', where: (i) => `rows[${i}]`, fail });
}

export async function importCsvDataset(
  ctx: StorageContext,
  file: string,
  options: DatasetImportOptions & { delimiter?: string },
): Promise<DatasetRecord> {
  const read = await readCsvFile(file, { delimiter: options.delimiter });
  return importDataset(ctx, options, read, fileRows(file));
}

export async function importJsonlDataset(
  ctx: StorageContext,
  file: string,
  options: DatasetImportOptions,
): Promise<DatasetRecord> {
  const read = await readJsonlFile(file);
  return importDataset(ctx, options, read, fileRows(file));
}

export async function requireDataset(ctx: StorageContext, datasetUid: number): Promise<DatasetRecord> {
  const record = await findDataset(ctx.db, datasetUid);
  if (!record) throw new NotFoundError('dataset', datasetUid);
  return record;
}

/** Every dataset, oldest first. */
export function listDatasets(ctx: StorageContext): Promise<DatasetRecord[]> {
  return listDatasetRecords(ctx.db);
}

/**
 * Every dataset, oldest first, as a listing shows it: the column count, the first `columns` column names (not all:
 * a dataset may have thousands) and the rows per split, in one query.
 */
export function listDatasetSummaries(
  ctx: StorageContext,
  options: { columns: number },
): Promise<DatasetSummaryRecord[]> {
  return listDatasetSummaryRecords(ctx.db, options.columns);
}

/** Rows in dataset order, optionally of one split. */
export function listDatasetRows(
  ctx: StorageContext,
  datasetUid: number,
  options: { split?: string; limit?: number; offset?: number } = {},
): Promise<DatapointRecord[]> {
  return listDatapoints(ctx.db, datasetUid, options);
}

/** `{ split: rowCount }`. */
export function countDatasetSplits(ctx: StorageContext, datasetUid: number): Promise<Record<string, number>> {
  return countBySplit(ctx.db, datasetUid);
}

/** Where the rows come from, for errors: a file names its line, an array the row's index. */
interface RowSource {
  source: string;
  where: (line: number) => string;
  fail: RowFailure;
}

const fileRows = (file: string): RowSource => ({
  source: file,
  where: (line) => `${file}: line ${line}`,
  fail: (line, reason) => {
    throw new MalformedFileError(file, line, reason);
  },
});

async function importDataset(
  ctx: StorageContext,
  options: DatasetImportOptions,
  read: ReadDataset,
  { source, where, fail }: RowSource,
): Promise<DatasetRecord> {
  requireNonEmptyString('dataset name', options.name);
  if (options.split !== undefined) requireNonEmptyString('split', options.split, MAX_SPLIT_LENGTH);
  if (read.rows.length === 0) throw new EmptyDatasetError(source);
  const userColumns = userColumnsOf(read);
  const points = toDatapoints(read, userColumns, { split: options.split, where, fail });
  return ctx.db.withTransaction(async (tx) => {
    const uid = await insertDataset(tx, options.name, userColumns);
    await insertDatapoints(tx, uid, points);
    return (await findDataset(tx, uid))!;
  });
}
