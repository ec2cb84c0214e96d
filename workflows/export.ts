import { ApplicationFailure, CancellationScope, isCancellation, proxyActivities } from '@temporalio/workflow';
import type { createActivities } from '../activities';
import type { ExportInput, ExportOutcome } from '../src/shared/benchmark-contract';

type Activities = ReturnType<typeof createActivities>;

// One long activity streams the whole file; its heartbeats carry progress and bring cancellation to it.
const { writeExport } = proxyActivities<Activities>({
  startToCloseTimeout: '6 hours',
  heartbeatTimeout: '1 minute',
  retry: { initialInterval: '5 seconds', maximumInterval: '1 minute', maximumAttempts: 3 },
});
const { finishExport } = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
});

/**
 * Exports a benchmark execution to its destination (JSON or CSV; a local file now, S3/GCS through the same
 * destination interface): a temp file or multipart upload that becomes the destination only when complete, so a
 * failed or cancelled export never leaves a partial file. Records the outcome in PostgreSQL.
 */
export async function exportWorkflow({ exportUid }: ExportInput): Promise<ExportOutcome> {
  try {
    const { rowsWritten } = await writeExport({ exportUid });
    await finishExport({ exportUid, status: 'completed', rowsWritten });
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
