/**
 * Exports of benchmark executions, the client side: validate, record the export, run `exportWorkflow`, wait for the
 * complete file. The export activity writes it (worker/write-export.ts).
 */
import path from 'node:path';
import { finishExport, insertExport } from '../../db/export.repository';
import { requireUid } from '../../errors';
import { connectorTypeOfScheme } from '../../connectors/connector-spec';
import { CsvExportConfig, JsonExportConfig } from '../../export/config';
import { parseDestination } from '../../export/destination';
import {
  ExportFailedError,
  InvalidDestinationError,
  InvalidExportConfigError,
  InvalidExportOptionError,
} from '../../export/errors';
import { checkClientDestination } from '../../export/local-policy';
import { exportSearchAttributes } from '../../shared/search-attributes';
import { exportWorkflowId } from '../../shared/workflow-ids';
import { startWorkflow } from '../../temporal/start-workflow';
import type { StorageContext } from '../common/context';
import { requireConnectorConfig } from './connector-configs';
import type { ServiceContext } from './context';

export interface ExportOptions {
  /** JsonExportConfig (the default) or CsvExportConfig. */
  config?: JsonExportConfig | CsvExportConfig;
  /** Connector config with credentials for a private s3:// or gs:// bucket; ignored for local files. */
  connectorConfigUid?: number;
  /** Replace a local file that exists at the destination (default false: an existing file is refused). */
  overwrite?: boolean;
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
  const overwrite = options.overwrite ?? false;
  if (typeof overwrite !== 'boolean') throw new InvalidExportOptionError('overwrite', overwrite, 'true or false');
  const destination = parseDestination(filepath);
  let location: string;
  let connectorConfigUid: number | null = null;
  if (destination.kind === 'local') {
    // connectorConfigUid is ignored for local files, as the reference says.
    location = path.resolve(destination.path);
    await checkClientDestination(location, overwrite);
  } else {
    location = `${destination.kind}://${destination.bucket}/${destination.key}`;
    if (options.connectorConfigUid !== undefined) {
      connectorConfigUid = await checkConnectorFor(ctx, options.connectorConfigUid, destination.kind, filepath);
    }
  }
  const format = config instanceof CsvExportConfig ? 'csv' : 'json';
  const exportOptions =
    config instanceof CsvExportConfig
      ? {
          sep: config.sep,
          quotechar: config.quotechar,
          escapechar: config.escapechar,
          formulaGuard: config.formulaGuard,
        }
      : {};
  const exportUid = await insertExport(ctx.db, {
    benchmarkExecutionUid: execution.uid,
    destination: location,
    format,
    options: exportOptions,
    connectorConfigUid,
    overwrite,
  });
  const handle = await startWorkflow(
    ctx,
    'exportWorkflow',
    {
      workflowId: exportWorkflowId(ctx.instanceId, exportUid),
      args: [{ exportUid }],
      searchAttributes: exportSearchAttributes(execution.benchmarkUid),
      summary: `Export of benchmark execution ${execution.uid} as ${format.toUpperCase()} to ${location}`,
    },
    (reason) => finishExport(ctx.db, exportUid, 'failed', 0, reason),
  );
  try {
    await handle.result();
  } catch (err) {
    const [{ WorkflowFailedError }, { CancelledFailure }] = await Promise.all([
      import('@temporalio/client'),
      import('@temporalio/common'),
    ]);
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
