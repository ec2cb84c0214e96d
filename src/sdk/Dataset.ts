/**
 * A dataset: rows with a stable string `xUid` (from an `x_uid` column, else `row-<position>`), a `split` (from a
 * `split` column, else the `split` option) and user columns, in their original order. Created from objects, a
 * CSV file or a JSONL file, in one transaction: a bad file writes nothing.
 */
import { Judgeflow } from './Judgeflow';
import {
  DuplicateError,
  EmptyDatasetError,
  MalformedFileError,
  NotFoundError,
  ValidationError,
  requireNonEmptyString,
  requireUid,
  show,
} from '../errors';
import { readCsvFile, readJsonlFile, type ReadDataset, type SourceRow } from '../dataset/readers';
import {
  countBySplit,
  findDataset,
  insertDatapoints,
  insertDataset,
  listDatapoints,
  listDatasets,
  type DatapointRecord,
  type DatasetRecord,
  type NewDatapoint,
} from '../db/dataset.repository';

/** Columns judgeflow reads itself; every other column is a user column. */
export const X_UID_COLUMN = 'x_uid';
export const SPLIT_COLUMN = 'split';

export interface DatasetImportOptions {
  name: string;
  /** Split of rows that have no `split` column value. */
  split?: string;
}

export class Dataset {
  readonly datasetUid: number;
  readonly name: string;
  /** User columns in their original order. */
  readonly columns: string[];
  readonly createdAt: Date;

  private constructor(
    private readonly client: Judgeflow,
    record: DatasetRecord,
  ) {
    this.datasetUid = record.uid;
    this.name = record.name;
    this.columns = record.columns;
    this.createdAt = record.createdAt;
  }

  /** From an array of objects; column order is the order keys are first seen. */
  static async create(
    options: DatasetImportOptions & { rows: Record<string, unknown>[] },
    client?: Judgeflow,
  ): Promise<Dataset> {
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
    return Dataset.import(Judgeflow.resolve(client), options, { columns, rows }, 'rows', (i) => `rows[${i}]`);
  }

  static async fromCsv(
    file: string,
    options: DatasetImportOptions & { delimiter?: string },
    client?: Judgeflow,
  ): Promise<Dataset> {
    const read = await readCsvFile(file, { delimiter: options.delimiter });
    return Dataset.import(Judgeflow.resolve(client), options, read, file, (line) => `${file}: line ${line}`);
  }

  static async fromJsonl(file: string, options: DatasetImportOptions, client?: Judgeflow): Promise<Dataset> {
    const read = await readJsonlFile(file);
    return Dataset.import(Judgeflow.resolve(client), options, read, file, (line) => `${file}: line ${line}`);
  }

  static async get(datasetUid: number, client?: Judgeflow): Promise<Dataset> {
    requireUid('datasetUid', datasetUid);
    const jf = Judgeflow.resolve(client);
    const record = await findDataset(jf.db, datasetUid);
    if (!record) throw new NotFoundError('dataset', datasetUid);
    return new Dataset(jf, record);
  }

  /** Every dataset, oldest first. */
  static async list(client?: Judgeflow): Promise<Dataset[]> {
    const jf = Judgeflow.resolve(client);
    return (await listDatasets(jf.db)).map((r) => new Dataset(jf, r));
  }

  /** Rows in dataset order, optionally of one split. */
  async rows(options: { split?: string; limit?: number; offset?: number } = {}): Promise<DatapointRecord[]> {
    return listDatapoints(this.client.db, this.datasetUid, options);
  }

  /** `{ split: rowCount }`. */
  async countBySplit(): Promise<Record<string, number>> {
    return countBySplit(this.client.db, this.datasetUid);
  }

  async splits(): Promise<string[]> {
    return Object.keys(await this.countBySplit());
  }

  private static async import(
    jf: Judgeflow,
    options: DatasetImportOptions,
    read: ReadDataset,
    source: string,
    where: (line: number) => string,
  ): Promise<Dataset> {
    requireNonEmptyString('dataset name', options.name);
    if (read.rows.length === 0) throw new EmptyDatasetError(source);
    const userColumns = read.columns.filter((c) => c !== X_UID_COLUMN && c !== SPLIT_COLUMN);
    const seen = new Map<string, number>();
    const points: NewDatapoint[] = read.rows.map(({ line, values }, position) => {
      const xUid = cellText(values[X_UID_COLUMN]) ?? `row-${position}`;
      const split = cellText(values[SPLIT_COLUMN]) ?? options.split;
      if (!split) {
        const reason = `row has no split: give it a "${SPLIT_COLUMN}" value or pass the split option`;
        throw source === 'rows'
          ? new ValidationError(`${where(line)}: ${reason}`)
          : new MalformedFileError(source, line, reason);
      }
      const first = seen.get(xUid);
      if (first !== undefined) throw new DuplicateError('x_uid', xUid, `${where(line)} (first at ${where(first)})`);
      seen.set(xUid, line);
      const data: Record<string, unknown> = {};
      for (const c of userColumns) if (values[c] !== undefined) data[c] = values[c];
      return { xUid, split, data };
    });
    const record = await jf.db.withTransaction(async (tx) => {
      const uid = await insertDataset(tx, options.name, userColumns);
      await insertDatapoints(tx, uid, points);
      return (await findDataset(tx, uid))!;
    });
    return new Dataset(jf, record);
  }
}

/** A cell as text, or undefined when empty/missing. Numbers become strings (x_uid 7 → "7"). */
function cellText(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  const text = typeof value === 'string' ? value.trim() : typeof value === 'number' ? String(value) : undefined;
  return text ? text : undefined;
}
