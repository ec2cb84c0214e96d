/**
 * The worker-side step of an export: stream a recorded export from PostgreSQL into its destination and record how
 * it ended. Credentials of a connector config are decrypted only here, inside the export activity.
 */
import type { Writable } from 'node:stream';
import { findBenchmarkExecution } from '../../db/benchmark-execution.repository';
import { copyExportCsv, copyExportJsonElements, copyWritesCsv } from '../../db/export-copy.repository';
import { findExport, finishExport, forEachExportRow, loadExportSource } from '../../db/export.repository';
import { NotFoundError } from '../../errors';
import { CsvExportConfig, JsonExportConfig } from '../../export/config';
import { openDestination } from '../../export/open-destination';
import { buildExportHeader, exportRowMapping } from '../../export/records';
import { csvColumns, jsonDatapointShape, type ExportHeader, type ExportSummary } from '../../export/format';
import { CsvRowWriter, CsvWriter, JsonWriter } from '../../export/writer';
import type { BenchmarkSummary } from '../../metrics/benchmark-summary';
import type { RecordedEnd } from '../../shared/activity-contract';
import { summarizeBenchmarkExecution } from '../common/benchmark-summary';
import type { StorageContext } from '../common/context';
import { openConnector } from './connector-secrets';

/**
 * Streams a recorded export from PostgreSQL into its destination and commits the destination only when every row
 * is written; on failure or cancellation (`signal`) the destination is aborted, so nothing is left.
 */
export async function writeExport(
  ctx: StorageContext,
  exportUid: number,
  progress: { signal: AbortSignal; heartbeat: (details: { bytesWritten: number }) => void; everyMs: number },
): Promise<{ rowsWritten: number }> {
  const record = await findExport(ctx.db, exportUid);
  if (!record) throw new NotFoundError('export', exportUid);
  const source = await loadExportSource(ctx.db, record.benchmarkExecutionUid);
  if (!source) throw new NotFoundError('benchmark execution', record.benchmarkExecutionUid);
  const config = record.format === 'csv' ? new CsvExportConfig(record.options) : new JsonExportConfig();
  const header = buildExportHeader(record.benchmarkExecutionUid, source, new Date());
  // An ended execution has its summary stored; a running one is summarised as it stands.
  const execution = await findBenchmarkExecution(ctx.db, record.benchmarkExecutionUid);
  const summary =
    execution?.status !== 'running' && execution?.summary
      ? (execution.summary as BenchmarkSummary)
      : await summarizeBenchmarkExecution(ctx.db, record.benchmarkExecutionUid);

  const connector =
    record.connectorConfigUid === null ? undefined : await openConnector(ctx, record.connectorConfigUid);
  const destination = await openDestination(record.destination, record.format, connector, ctx.config.storage, {
    roots: ctx.config.exportRoots,
    overwrite: record.overwrite,
  });
  // Cancellation destroys the stream at once, so a write waiting for the destination to drain gives up too.
  const out = await destination.open().catch(async (err: unknown) => {
    await destination.abort();
    throw destination.describeError(err);
  });
  const stop = () => out.destroy(new Error('export cancelled'));
  progress.signal.addEventListener('abort', stop, { once: true });
  // Heartbeats on a clock: a write that waits for a slow destination still reports, and hears a cancellation.
  let bytesWritten = 0;
  const beat = () => {
    progress.heartbeat({ bytesWritten });
  };
  const clock = setInterval(beat, progress.everyMs);
  try {
    const datapoints = await writeDocument(ctx, config, header, summary, out, {
      signal: progress.signal,
      onChunk: (chunk) => (bytesWritten += chunk.length),
    });
    // A cancellation while the last parts go up still stops the upload, so no object appears.
    await orAborted(destination.commit(), progress.signal);
    beat();
    return { rowsWritten: datapoints };
  } catch (err) {
    await destination.abort();
    // A cancellation stays a cancellation (Temporal records the activity as cancelled), not a storage failure.
    if (progress.signal.aborted) throw progress.signal.reason;
    throw destination.describeError(err);
  } finally {
    clearInterval(clock);
    progress.signal.removeEventListener('abort', stop);
  }
}

/** `work`'s outcome, or a rejection with the signal's reason as soon as it aborts. */
function orAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => {
      reject(signal.reason as Error);
    };
    if (signal.aborted) onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => {
      signal.removeEventListener('abort', onAbort);
    });
  });
}

/**
 * Writes the whole document into `out` and returns the number of datapoints. PostgreSQL writes the rows as text
 * (JSON lines, or CSV in one-byte dialects); other CSV dialects are written row by row from a cursor.
 */
async function writeDocument(
  ctx: StorageContext,
  config: JsonExportConfig | CsvExportConfig,
  header: ExportHeader,
  summary: BenchmarkSummary,
  out: Writable,
  { signal, onChunk }: { signal: AbortSignal; onChunk: (chunk: Buffer) => void },
): Promise<number> {
  const { query, toRow } = exportRowMapping(header);
  if (config instanceof JsonExportConfig) {
    const writer = new JsonWriter(out);
    await writer.begin(header);
    const copy = await copyExportJsonElements(ctx.db, query, jsonDatapointShape(header), signal);
    await writer.datapoints(copy.text, onChunk);
    const datapoints = await copy.rowCount();
    await writer.end(exportSummary(header, summary, datapoints));
    return datapoints;
  }
  if (copyWritesCsv(config)) {
    const writer = new CsvWriter(config, out);
    await writer.begin(header);
    const columns = csvColumns(header).map((c) => c.source);
    const copy = await copyExportCsv(ctx.db, query, columns, config, signal);
    await writer.records(copy.text, onChunk);
    const datapoints = await copy.rowCount();
    await writer.end();
    return datapoints;
  }
  const writer = new CsvRowWriter(config, out, onChunk);
  await writer.begin(header);
  const datapoints = await forEachExportRow(ctx.db, query, async (row) => {
    signal.throwIfAborted();
    await writer.row(toRow(row));
  });
  await writer.end();
  return datapoints;
}

/** The summary as the export writes it: the stored agreement summary with each evaluator's key. */
function exportSummary(header: ExportHeader, summary: BenchmarkSummary, datapoints: number): ExportSummary {
  const keys = new Map(header.evaluators.map((e) => [e.evaluatorUid, e.key]));
  return {
    datapoints,
    evaluators: summary.evaluators.map((e) => ({
      ...e,
      key: keys.get(e.evaluatorUid) ?? `evaluator-${e.evaluatorUid}`,
    })),
  };
}

/** Records how an export ended. */
export function recordExportEnd(
  ctx: StorageContext,
  p: { exportUid: number; rowsWritten: number } & RecordedEnd,
): Promise<void> {
  return finishExport(ctx.db, p.exportUid, p.status, p.rowsWritten, p.error);
}
