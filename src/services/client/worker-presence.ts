/**
 * Whether a judgeflow worker polls the task queue, asked of Temporal (describe task queue), so commands that need
 * one say so in a second instead of hanging until a query times out.
 */
import { NoWorkerError } from '../../errors';
import type { ServiceContext } from './context';

/** A live worker re-polls at least every ~70 s (long polls); older poller records are workers that went away. */
const POLLER_FRESH_MS = 90_000;

/** How many workers polled the task queue recently. */
export async function countWorkers(ctx: ServiceContext): Promise<number> {
  const { namespace, taskQueue } = ctx.config.temporal;
  const client = await ctx.temporal();
  // Loaded with the client (src/temporal/connection.ts).
  const proto = (await import('@temporalio/proto')).default.temporal;
  const { pollers } = await client.workflowService.describeTaskQueue({
    namespace,
    taskQueue: { name: taskQueue, kind: proto.api.enums.v1.TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
    taskQueueType: proto.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
  });
  const now = Date.now();
  const lastSeenMs = (t: { seconds?: { toNumber(): number } | number | null } | null | undefined) =>
    Number(t?.seconds ?? 0) * 1000;
  return pollers.filter((p) => now - lastSeenMs(p.lastAccessTime) < POLLER_FRESH_MS).length;
}

/**
 * Throws NoWorkerError unless a worker polls the task queue; with `wait`, waits for one instead (checking every
 * second, printing `onWait` once).
 */
export async function requireWorker(
  ctx: ServiceContext,
  options: { wait?: boolean; onWait?: (message: string) => void } = {},
): Promise<void> {
  if ((await countWorkers(ctx)) > 0) return;
  const error = new NoWorkerError(ctx.config.temporal.taskQueue, ctx.config.temporal.address);
  if (!options.wait) throw error;
  options.onWait?.(`waiting for a worker: ${error.message}`);
  while ((await countWorkers(ctx)) === 0) await new Promise((resolve) => setTimeout(resolve, 1_000));
}
