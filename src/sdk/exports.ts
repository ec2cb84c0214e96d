/** `BenchmarkExecution.export`: validate, record the export, run `exportWorkflow`, wait for the complete file. */
import { WorkflowFailedError } from '@temporalio/client';
import path from 'node:path';
import type { Judgeflow } from './client';
import { JudgeflowError, UnavailableError, ValidationError } from '../errors';
import { CsvExportConfig, JsonExportConfig } from '../export/config';
import { parseDestination, validateLocalDestination } from '../export/destination';
import { KIND, BENCHMARK_UID } from '../temporal/search-attributes';
import { exportWorkflowId } from '../temporal/workflow-ids';
import type { ExportInput } from '../shared/benchmark-contract';

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
  let location = filepath;
  if (destination.kind === 'local') {
    location = path.resolve(destination.path);
    await validateLocalDestination(location);
  }
  const format = config instanceof CsvExportConfig ? 'csv' : 'json';
  const exportOptions = config instanceof CsvExportConfig ? { sep: config.sep, quotechar: config.quotechar, escapechar: config.escapechar } : {};
  const connectorConfigUid = destination.kind === 'local' ? null : (options.connectorConfigUid ?? null);

  const { rows } = await jf.db.query<{ uid: number }>(
    `INSERT INTO exports (benchmark_execution_uid, destination, format, options, connector_config_uid)
     VALUES ($1, $2, $3, $4, $5) RETURNING uid`,
    [benchmarkExecutionUid, location, format, exportOptions, connectorConfigUid],
  );
  const exportUid = rows[0]!.uid;
  const workflowId = exportWorkflowId(exportUid);
  let handle;
  try {
    const input: ExportInput = { exportUid };
    handle = await (await jf.temporal()).workflow.start('exportWorkflow', {
      workflowId,
      taskQueue: jf.config.temporal.taskQueue,
      args: [input],
      typedSearchAttributes: [
        { key: BENCHMARK_UID, value: benchmarkUid },
        { key: KIND, value: 'export' },
      ],
      staticSummary: `Export of benchmark execution ${benchmarkExecutionUid} as ${format.toUpperCase()} to ${location}`,
    });
  } catch (err) {
    await jf.db.query(`UPDATE exports SET status = 'failed', error = $2, finished_at = now() WHERE uid = $1`, [
      exportUid,
      `could not start its workflow: ${(err as Error).message}`,
    ]);
    if (err instanceof UnavailableError) throw err;
    throw new UnavailableError('Temporal', jf.config.temporal.address, `starting workflow ${workflowId} failed: ${(err as Error).message}`, {
      cause: err,
    });
  }
  try {
    await handle.result();
  } catch (err) {
    const reason = err instanceof WorkflowFailedError ? (err.cause?.message ?? err.message) : (err as Error).message;
    throw new ExportFailedError(exportUid, reason);
  }
}
