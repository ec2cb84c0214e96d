/**
 * The export activity: streams a benchmark execution from a PostgreSQL cursor into its destination, heartbeating
 * progress, and commits the destination only when every row is written. On failure or cancellation the
 * destination is aborted, so nothing (and no partial file) appears at the export path.
 */
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { Db } from '../src/db/pool';
import { findExport, finishExport, forEachExportRow, loadExportHeader } from '../src/db/export.repository';
import { CsvExportConfig, JsonExportConfig } from '../src/export/config';
import { LocalFileDestination, parseDestination, type ExportDestination } from '../src/export/destination';
import { createExportWriter } from '../src/export/writer';
import { summarizeBenchmarkExecution, type BenchmarkSummary } from '../src/metrics/benchmark-summary';
import { findBenchmarkExecution } from '../src/db/benchmark-execution.repository';
import type { StoredExecutionStatus } from '../src/shared/execution-contract';

const HEARTBEAT_EVERY_ROWS = 1_000;

export function createExportActivities(db: Db) {
  return {
    async writeExport({ exportUid }: { exportUid: number }): Promise<{ rowsWritten: number }> {
      const activity = Context.current();
      const record = await findExport(db, exportUid);
      if (!record) throw ApplicationFailure.nonRetryable(`export ${exportUid} does not exist`, 'NotFound');
      const config = record.format === 'csv' ? new CsvExportConfig(record.options) : new JsonExportConfig();
      const destination = openDestination(record.destination);

      const header = await loadExportHeader(db, record.benchmarkExecutionUid, new Date());
      // An ended execution has its summary stored; a running one is summarised as it stands.
      const execution = await findBenchmarkExecution(db, record.benchmarkExecutionUid);
      const summary =
        execution?.status !== 'running' && execution?.summary
          ? (execution.summary as BenchmarkSummary)
          : await summarizeBenchmarkExecution(db, record.benchmarkExecutionUid);
      const writer = createExportWriter(config, await destination.open());
      try {
        await writer.begin(header);
        let written = 0;
        const datapoints = await forEachExportRow(db, header, async (row) => {
          activity.cancellationSignal.throwIfAborted();
          await writer.row(row);
          written += 1;
          if (written % HEARTBEAT_EVERY_ROWS === 0) activity.heartbeat({ rowsWritten: written });
        });
        const keys = new Map(header.evaluators.map((e) => [e.evaluatorUid, e.key]));
        await writer.end({
          datapoints,
          evaluators: summary.evaluators.map((e) => ({ ...e, key: keys.get(e.evaluatorUid) ?? `evaluator-${e.evaluatorUid}` })),
        });
        await destination.commit();
        activity.heartbeat({ rowsWritten: written });
        return { rowsWritten: written };
      } catch (err) {
        await destination.abort();
        throw err;
      }
    },

    async finishExport(p: { exportUid: number; status: StoredExecutionStatus; rowsWritten: number; error?: string }): Promise<void> {
      await finishExport(db, p.exportUid, p.status, p.rowsWritten, p.error);
    },
  };
}

function openDestination(location: string): ExportDestination {
  const parsed = parseDestination(location);
  if (parsed.kind === 'local') return new LocalFileDestination(parsed.path);
  throw ApplicationFailure.nonRetryable(`${parsed.kind}:// destinations are not available yet`, 'UnsupportedDestination');
}
