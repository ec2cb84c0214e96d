/**
 * Datasets, each use case once: import (from objects, a CSV or a JSONL file) in one transaction — a bad file
 * writes nothing — get, list, rows and split counts. Rows get a stable string `xUid` (from an `x_uid` column, else
 * `row-<position>`) and a `split` (from a `split` column, else the `split` option); other columns are user columns.
 */
import {
  DuplicateError,
  EmptyDatasetError,
  MalformedFileError,
  NotFoundError,
  ValidationError,
  requireNonEmptyString,
  show,
} from '../../errors';
import { readCsvFile, readJsonlFile, type ReadDataset, type SourceRow } from '../../dataset/readers';
import {
  countBySplit,
  findDataset,
  insertDatapoints,
  insertDataset,
  listDatapoints,
  listDatasets as listDatasetRecords,
  type DatapointRecord,
  type DatasetRecord,
  type NewDatapoint,
} from '../../db/dataset.repository';
import type { StorageContext } from '../common/context';

export type { DatapointRecord, DatasetRecord } from '../../db/dataset.repository';

/** Columns judgeflow reads itself; every other column is a user column. */
export const X_UID_COLUMN = 'x_uid';
export const SPLIT_COLUMN = 'split';

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
      seen.add(key);
      columns.push(key);
    }
    return { line: i, values: values as Record<string, unknown> };
  });
  return importDataset(ctx, options, { columns, rows }, 'rows', (i) => `rows[${i}]`);
}

export async function importCsvDataset(
  ctx: StorageContext,
  file: string,
  options: DatasetImportOptions & { delimiter?: string },
): Promise<DatasetRecord> {
  const read = await readCsvFile(file, { delimiter: options.delimiter });
  return importDataset(ctx, options, read, file, (line) => `${file}: line ${line}`);
}

export async function importJsonlDataset(
  ctx: StorageContext,
  file: string,
  options: DatasetImportOptions,
): Promise<DatasetRecord> {
  const read = await readJsonlFile(file);
  return importDataset(ctx, options, read, file, (line) => `${file}: line ${line}`);
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

async function importDataset(
  ctx: StorageContext,
  options: DatasetImportOptions,
  read: ReadDataset,
  source: string,
  where: (line: number) => string,
): Promise<DatasetRecord> {
  requireNonEmptyString('dataset name', options.name);
  if (read.rows.length === 0) throw new EmptyDatasetError(source);
  const userColumns = read.columns.filter((c) => c !== X_UID_COLUMN && c !== SPLIT_COLUMN);
  const seen = new Map<string, number>();
  const points: NewDatapoint[] = read.rows.map(({ line, values }, position) => {
    const xUid = cellText(own(values, X_UID_COLUMN)) ?? `row-${position}`;
    const split = cellText(own(values, SPLIT_COLUMN)) ?? options.split;
    if (!split) {
      const reason = `row has no split: give it a "${SPLIT_COLUMN}" value or pass the split option`;
      throw source === 'rows'
        ? new ValidationError(`${where(line)}: ${reason}`)
        : new MalformedFileError(source, line, reason);
    }
    const first = seen.get(xUid);
    if (first !== undefined) throw new DuplicateError('x_uid', xUid, `${where(line)} (first at ${where(first)})`);
    seen.set(xUid, line);
    // Null prototype: `data.__proto__ = value` then stores a `__proto__` column instead of dropping it.
    const data = Object.create(null) as Record<string, unknown>;
    for (const c of userColumns) if (own(values, c) !== undefined) data[c] = values[c];
    return { xUid, split, data };
  });
  return ctx.db.withTransaction(async (tx) => {
    const uid = await insertDataset(tx, options.name, userColumns);
    await insertDatapoints(tx, uid, points);
    return (await findDataset(tx, uid))!;
  });
}

/** A row's own value of `column` (never one of Object.prototype's, for a column named `constructor`). */
const own = (values: Record<string, unknown>, column: string): unknown =>
  Object.hasOwn(values, column) ? values[column] : undefined;

/** A cell as text, or undefined when empty/missing. Numbers become strings (x_uid 7 → "7"). */
function cellText(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  const text = typeof value === 'string' ? value.trim() : typeof value === 'number' ? String(value) : undefined;
  return text ? text : undefined;
}
