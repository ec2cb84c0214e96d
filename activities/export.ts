/**
 * The export activity: streams a benchmark execution into its destination (services/worker/write-export.ts),
 * heartbeating progress; cancellation reaches it through the heartbeat and aborts the destination, so nothing is
 * left behind.
 */
import { Context } from '@temporalio/activity';
import type { StorageContext } from '../src/services/common/context';
import { recordExportEnd, writeExport } from '../src/services/worker/write-export';
import type { ExportActivities } from '../src/shared/activity-contract';
import { failFastOnDomainErrors } from './fatal-errors';

const HEARTBEAT_EVERY_MS = 1_000;

export function createExportActivities(ctx: StorageContext): ExportActivities {
  return {
    async writeExport({ exportUid }) {
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
    finishExport: (p) => recordExportEnd(ctx, p),
  };
}
