/** `BenchmarkExecution.export`: validate, record the export, run `exportWorkflow`, wait for the complete file. */
import { WorkflowFailedError } from '@temporalio/client';
import path from 'node:path';
import type { Judgeflow } from './client';
import { JudgeflowError, ValidationError } from '../errors';
import { CsvExportConfig, JsonExportConfig } from '../export/config';
import { parseDestination, validateLocalDestination } from '../export/destination';
import { InvalidDestinationError } from '../export/errors';
import { KIND, BENCHMARK_UID } from '../temporal/search-attributes';
import { exportWorkflowId } from '../temporal/workflow-ids';
import type { ExportInput } from '../shared/benchmark-contract';
import { startWorkflow } from './start-workflow';
import { finishExport, insertExport } from '../db/export.repository';

export interface ExportOptions {
  /** JsonExportConfig (the default) or CsvExportConfig. */
  config?: JsonExportConfig | CsvExportConfig;
  /** Connector config with credentials for a private s3:// or gs:// bucket; ignored for local files. */
  connectorConfigUid?: number;
}

/** The export ran and failed (the message says why); nothing was written at the destination. */
export class ExportFailedError extends JudgeflowError {
  constructor(
    readonly exportUid: number,
    readonly reason: string,
  ) {
    super(`export ${exportUid} failed: ${reason}`);
  }
}

export class InvalidExportConfigError extends ValidationError {
  constructor(readonly value: unknown) {
    super(`config must be a JsonExportConfig or a CsvExportConfig, got ${Object.prototype.toString.call(value)}`);
  }
}

export async function runExport(
  jf: Judgeflow,
  benchmarkExecutionUid: number,
  benchmarkUid: number,
  filepath: string,
  options: ExportOptions,
): Promise<void> {
  const config = options.config ?? new JsonExportConfig();
  if (!(config instanceof JsonExportConfig) && !(config instanceof CsvExportConfig)) throw new InvalidExportConfigError(config);
  const destination = parseDestination(filepath);
  if (destination.kind !== 'local') {
    throw new InvalidDestinationError(filepath, `${destination.kind}:// exports are not implemented yet; export to a local file and upload it`);
  }
  const location = path.resolve(destination.path);
  await validateLocalDestination(location);
  const format = config instanceof CsvExportConfig ? 'csv' : 'json';
  const exportOptions = config instanceof CsvExportConfig ? { sep: config.sep, quotechar: config.quotechar, escapechar: config.escapechar } : {};
  // options.connectorConfigUid is ignored for local files, as the reference says; remote destinations will use it.
  const exportUid = await insertExport(jf.db, { benchmarkExecutionUid, destination: location, format, options: exportOptions, connectorConfigUid: null });
  const input: ExportInput = { exportUid };
  const handle = await startWorkflow(
    jf,
    {
      workflowType: 'exportWorkflow',
      workflowId: exportWorkflowId(exportUid),
      args: [input],
      searchAttributes: [
        { key: BENCHMARK_UID, value: benchmarkUid },
        { key: KIND, value: 'export' },
      ],
      summary: `Export of benchmark execution ${benchmarkExecutionUid} as ${format.toUpperCase()} to ${location}`,
    },
    (reason) => finishExport(jf.db, exportUid, 'failed', 0, reason),
  );
  try {
    await handle.result();
  } catch (err) {
    const reason = err instanceof WorkflowFailedError ? (err.cause?.message ?? err.message) : (err as Error).message;
    throw new ExportFailedError(exportUid, reason);
  }
}
