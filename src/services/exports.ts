/**
 * Exports of benchmark executions: validate, record the export, run `exportWorkflow`, wait for the complete file;
 * and, for the export activity, write one.
 */
import path from 'node:path';
import { WorkflowFailedError } from '@temporalio/client';
import { CancelledFailure } from '@temporalio/common';
import { findBenchmarkExecution } from '../db/benchmark-execution.repository';
import { findExport, finishExport, forEachExportRow, insertExport, loadExportSource } from '../db/export.repository';
import { NotFoundError, requireUid } from '../errors';
import { connectorTypeOfScheme } from '../connectors/connector-spec';
import { CsvExportConfig, JsonExportConfig } from '../export/config';
import { parseDestination } from '../export/destination';
import { ExportFailedError, InvalidDestinationError, InvalidExportConfigError } from '../export/errors';
import { validateLocalDestination } from '../export/local-destination';
import { openDestination } from '../export/open-destination';
import { buildExportHeader, exportRowMapping } from '../export/records';
import { createExportWriter } from '../export/writer';
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
 * Streams a recorded export from a PostgreSQL cursor into its destination and commits the destination only when
 * every row is written; on failure or cancellation (`signal`) the destination is aborted, so nothing is left.
 */
export async function writeExport(
  ctx: StorageContext,
  exportUid: number,
  progress: { signal: AbortSignal; heartbeat: (rowsWritten: number) => void; everyRows: number },
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
  let written = 0;
  // Heartbeats on a clock too: a write that waits for a slow destination still reports, and hears a cancellation.
  const clock = setInterval(() => {
    progress.heartbeat(written);
  }, HEARTBEAT_EVERY_MS);
  try {
    const writer = createExportWriter(config, out);
    await writer.begin(header);
    const { query, toRow } = exportRowMapping(header);
    const datapoints = await forEachExportRow(ctx.db, query, async (row) => {
      progress.signal.throwIfAborted();
      await writer.row(toRow(row));
      written += 1;
      if (written % progress.everyRows === 0) progress.heartbeat(written);
    });
    const keys = new Map(header.evaluators.map((e) => [e.evaluatorUid, e.key]));
    await writer.end({
      datapoints,
      evaluators: summary.evaluators.map((e) => ({
        ...e,
        key: keys.get(e.evaluatorUid) ?? `evaluator-${e.evaluatorUid}`,
      })),
    });
    // A cancellation while the last parts go up still stops the upload, so no object appears.
    await orAborted(destination.commit(), progress.signal);
    progress.heartbeat(written);
    return { rowsWritten: written };
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

const HEARTBEAT_EVERY_MS = 1_000;

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
