/**
 * Exports of benchmark executions: validate, record the export, run `exportWorkflow`, wait for the complete file;
 * and, for the export activity, write one.
 */
import path from 'node:path';
import type { Writable } from 'node:stream';
import { WorkflowFailedError } from '@temporalio/client';
import { CancelledFailure } from '@temporalio/common';
import { findBenchmarkExecution } from '../db/benchmark-execution.repository';
import { copyExportCsv, copyExportJsonElements, copyWritesCsv } from '../db/export-copy.repository';
import { findExport, finishExport, forEachExportRow, insertExport, loadExportSource } from '../db/export.repository';
import { NotFoundError, requireUid } from '../errors';
import { connectorTypeOfScheme } from '../connectors/connector-spec';
import { CsvExportConfig, JsonExportConfig } from '../export/config';
import { parseDestination } from '../export/destination';
import { ExportFailedError, InvalidDestinationError, InvalidExportConfigError } from '../export/errors';
import { validateLocalDestination } from '../export/local-destination';
import { openDestination } from '../export/open-destination';
import { buildExportHeader, exportRowMapping } from '../export/records';
import { csvColumns, jsonDatapointShape, type ExportHeader, type ExportSummary } from '../export/format';
import { CsvRowWriter, CsvWriter, JsonWriter } from '../export/writer';
import type { BenchmarkSummary } from '../metrics/benchmark-summary';
import { exportSearchAttributes } from '../shared/search-attributes';
import { exportWorkflowId } from '../shared/workflow-ids';
import { startWorkflow } from '../temporal/start-workflow';
import { exportWorkflow } from '../../workflows/export';
import { summarizeBenchmarkExecution } from './benchmark-summary';
import { openConnector, requireConnectorConfig } from './connector-configs';
import type { ServiceContext, StorageContext } from './context';

export interface ExportOptions {
  /** JsonExportConfig (the default) or CsvExportConfig. */
  config?: JsonExportConfig | CsvExportConfig;
  /** Connector config with credentials for a private s3:// or gs:// bucket; ignored for local files. */
  connectorConfigUid?: number;
}

/** Validates the destination and config, records the export, runs its workflow and returns when the file is complete. */
export async function exportBenchmarkExecution(
  ctx: ServiceContext,
  execution: { benchmarkUid: number; uid: number },
  filepath: string,
  options: ExportOptions = {},
): Promise<void> {
  const config = options.config ?? new JsonExportConfig();
  if (!(config instanceof JsonExportConfig) && !(config instanceof CsvExportConfig))
    throw new InvalidExportConfigError(config);
  const destination = parseDestination(filepath);
  let location: string;
  let connectorConfigUid: number | null = null;
  if (destination.kind === 'local') {
    // connectorConfigUid is ignored for local files, as the reference says.
    location = path.resolve(destination.path);
    await validateLocalDestination(location);
  } else {
    location = `${destination.kind}://${destination.bucket}/${destination.key}`;
    if (options.connectorConfigUid !== undefined) {
      connectorConfigUid = await checkConnectorFor(ctx, options.connectorConfigUid, destination.kind, filepath);
    }
  }
  const format = config instanceof CsvExportConfig ? 'csv' : 'json';
  const exportOptions =
    config instanceof CsvExportConfig
      ? { sep: config.sep, quotechar: config.quotechar, escapechar: config.escapechar }
      : {};
  const exportUid = await insertExport(ctx.db, {
    benchmarkExecutionUid: execution.uid,
    destination: location,
    format,
    options: exportOptions,
    connectorConfigUid,
  });
  const handle = await startWorkflow(
    ctx,
    exportWorkflow,
    {
      workflowId: exportWorkflowId(exportUid),
      args: [{ exportUid }],
      searchAttributes: exportSearchAttributes(execution.benchmarkUid),
      summary: `Export of benchmark execution ${execution.uid} as ${format.toUpperCase()} to ${location}`,
    },
    (reason) => finishExport(ctx.db, exportUid, 'failed', 0, reason),
  );
  try {
    await handle.result();
  } catch (err) {
    const reason =
      err instanceof WorkflowFailedError
        ? err.cause instanceof CancelledFailure
          ? 'export cancelled'
          : (err.cause?.message ?? err.message)
        : err instanceof Error
          ? err.message
          : String(err);
    throw new ExportFailedError(exportUid, reason);
  }
}

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
  const destination = await openDestination(record.destination, record.format, connector, ctx.config.storage);
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

/** The connector config for a remote destination: it exists and is of the scheme's storage type. */
async function checkConnectorFor(
  ctx: StorageContext,
  uid: unknown,
  scheme: 's3' | 'gs',
  filepath: string,
): Promise<number> {
  requireUid('connectorConfigUid', uid);
  const connector = await requireConnectorConfig(ctx, uid);
  const expected = connectorTypeOfScheme(scheme);
  if (connector.type !== expected) {
    throw new InvalidDestinationError(
      filepath,
      `connector config ${uid} ("${connector.name}") is for ${connector.type}, not ${scheme}:// (use a ${expected} connector config)`,
    );
  }
  return uid;
}

/** Records how an export ended. */
export function recordExportEnd(
  ctx: StorageContext,
  p: { exportUid: number; status: string; rowsWritten: number; error?: string },
): Promise<void> {
  return finishExport(ctx.db, p.exportUid, p.status, p.rowsWritten, p.error);
}
