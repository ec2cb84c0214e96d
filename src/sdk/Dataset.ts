/**
 * A dataset: rows with a stable string `xUid`, a `split` and user columns, in their original order. Created from
 * objects, a CSV file or a JSONL file, in one transaction: a bad file writes nothing (services/client/datasets.ts).
 */
import { Judgeflow } from './Judgeflow';
import { requireUid } from '../errors';
import {
  countDatasetSplits,
  createDataset,
  importCsvDataset,
  importJsonlDataset,
  listDatasetRows,
  listDatasets,
  requireDataset,
  type DatapointRecord,
  type DatasetImportOptions,
  type DatasetRecord,
} from '../services/client/datasets';

export { SPLIT_COLUMN, X_UID_COLUMN, type DatasetImportOptions } from '../services/client/datasets';

export class Dataset {
  readonly datasetUid: number;
  readonly name: string;
  /** User columns in their original order. */
  readonly columns: string[];
  readonly createdAt: Date;

  /** The client this object was read with: a true private field, so no way of printing the object shows it. */
  readonly #client: Judgeflow;

  private constructor(client: Judgeflow, record: DatasetRecord) {
    this.#client = client;
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
    const jf = Judgeflow.resolve(client);
    return new Dataset(jf, await createDataset(jf, options));
  }

  static async fromCsv(
    file: string,
    options: DatasetImportOptions & { delimiter?: string },
    client?: Judgeflow,
  ): Promise<Dataset> {
    const jf = Judgeflow.resolve(client);
    return new Dataset(jf, await importCsvDataset(jf, file, options));
  }

  static async fromJsonl(file: string, options: DatasetImportOptions, client?: Judgeflow): Promise<Dataset> {
    const jf = Judgeflow.resolve(client);
    return new Dataset(jf, await importJsonlDataset(jf, file, options));
  }

  static async get(datasetUid: number, client?: Judgeflow): Promise<Dataset> {
    requireUid('datasetUid', datasetUid);
    const jf = Judgeflow.resolve(client);
    return new Dataset(jf, await requireDataset(jf, datasetUid));
  }

  /** Every dataset, oldest first. */
  static async list(client?: Judgeflow): Promise<Dataset[]> {
    const jf = Judgeflow.resolve(client);
    return (await listDatasets(jf)).map((r) => new Dataset(jf, r));
  }

  /** Rows in dataset order, optionally of one split. */
  rows(options: { split?: string; limit?: number; offset?: number } = {}): Promise<DatapointRecord[]> {
    return listDatasetRows(this.#client, this.datasetUid, options);
  }

  /** `{ split: rowCount }`. */
  countBySplit(): Promise<Record<string, number>> {
    return countDatasetSplits(this.#client, this.datasetUid);
  }

  async splits(): Promise<string[]> {
    return Object.keys(await this.countBySplit());
  }
}
