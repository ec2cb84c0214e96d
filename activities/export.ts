/**
 * The export activity: streams a benchmark execution into its destination (services/exports.ts), heartbeating
 * progress; cancellation reaches it through the heartbeat and aborts the destination, so nothing is left behind.
 */
import { Context } from '@temporalio/activity';
import type { StorageContext } from '../src/services/context';
import { recordExportEnd, writeExport } from '../src/services/exports';
import type { StoredExecutionStatus } from '../src/shared/execution-contract';
import { failFastOnDomainErrors } from './fatal-errors';

const HEARTBEAT_EVERY_MS = 1_000;

export function createExportActivities(ctx: StorageContext) {
  return {
    async writeExport({ exportUid }: { exportUid: number }): Promise<{ rowsWritten: number }> {
      const activity = Context.current();
      return failFastOnDomainErrors(() =>
        writeExport(ctx, exportUid, {
          signal: activity.cancellationSignal,
          heartbeat: (details) => {
            activity.heartbeat(details);
          },
          everyMs: HEARTBEAT_EVERY_MS,
        }),
      );
    },

    async finishExport(p: {
      exportUid: number;
      status: StoredExecutionStatus;
      rowsWritten: number;
      error?: string;
    }): Promise<void> {
      await recordExportEnd(ctx, p);
    },
  };
}
