import {
  ActivityCancellationType,
  ApplicationFailure,
  CancellationScope,
  isCancellation,
  patched,
  proxyActivities,
} from '@temporalio/workflow';
import type { ExportActivities } from '../src/shared/activity-contract';
import type { ExportInput, ExportOutcome } from '../src/shared/benchmark-contract';

// One long activity streams the whole file; its heartbeats carry progress and bring cancellation to it.
const writing = {
  startToCloseTimeout: '6 hours',
  heartbeatTimeout: '1 minute',
  retry: { initialInterval: '5 seconds', maximumInterval: '1 minute', maximumAttempts: 3 },
} as const;
// A cancelled export ends once its activity has stopped and removed what it wrote (or has committed it anyway):
// the recorded outcome is then what is in the destination.
const WAITS_FOR_CANCELLATION_PATCH = 'export-waits-for-its-cancellation';
const { writeExport } = proxyActivities<ExportActivities>({
  ...writing,
  cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
});
// Histories from before the patch: the export ended as soon as it asked its activity to stop.
const { writeExport: writeExportUnwaited } = proxyActivities<ExportActivities>(writing);
const { finishExport } = proxyActivities<ExportActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
});

/**
 * Exports a benchmark execution to its destination (JSON or CSV; a local file now, S3/GCS through the same
 * destination interface): a temp file or multipart upload that becomes the destination only when complete, so a
 * failed or cancelled export never leaves a partial file. Records the outcome in PostgreSQL.
 */
export async function exportWorkflow({ exportUid }: ExportInput): Promise<ExportOutcome> {
  const write = patched(WAITS_FOR_CANCELLATION_PATCH) ? writeExport : writeExportUnwaited;
  try {
    const { rowsWritten } = await write({ exportUid });
    // Written and committed, even if a cancellation came too late to stop it.
    await CancellationScope.nonCancellable(() => finishExport({ exportUid, status: 'completed', rowsWritten }));
    return { exportUid, status: 'completed', rowsWritten };
  } catch (err) {
    const cancelled = isCancellation(err);
    const reason = cancelled
      ? 'export cancelled'
      : (((err as Error).cause as Error | undefined)?.message ?? (err as Error).message);
    await CancellationScope.nonCancellable(() =>
      finishExport({ exportUid, status: cancelled ? 'cancelled' : 'failed', rowsWritten: 0, error: reason }),
    );
    if (cancelled) throw err;
    throw ApplicationFailure.nonRetryable(reason, 'ExportFailed');
  }
}
