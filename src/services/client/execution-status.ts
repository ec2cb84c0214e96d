/**
 * The one status reconciler of evaluator and benchmark executions. PostgreSQL holds the status once the workflow
 * has recorded its end; while PostgreSQL says `running`, Temporal says whether the workflow still runs. It never
 * writes: a workflow that closed without recording its end (terminated, timed out) reads as `failed`, and
 * `recordAbandonedExecutions` (services/repair.ts) is the explicit step that stores that.
 */
import type { WorkflowHandle } from '@temporalio/client';
import type { SignalDefinition } from '@temporalio/common';
import type { StoredExecutionStatus, ExecutionStatus } from '../../shared/execution-contract';

export interface StoredRun {
  status: StoredExecutionStatus;
  error: string | null;
}

export interface ReconciledStatus {
  status: ExecutionStatus;
  /** Why it failed or was cancelled, when known. */
  reason?: string;
}

/**
 * `stored` is the execution as PostgreSQL has it (undefined: no such execution); `reread` reads it again after
 * Temporal reports the workflow closed (its last activity recorded the end just before).
 */
export async function reconcileStatus(
  stored: StoredRun | undefined,
  workflow: () => Promise<WorkflowHandle>,
  reread: () => Promise<StoredRun | undefined>,
): Promise<ReconciledStatus> {
  if (!stored) return { status: 'unknown' };
  if (stored.status !== 'running') return fromStored(stored);
  let closed: string;
  try {
    closed = (await (await workflow()).describe()).status.name;
  } catch (err) {
    // Loaded with the connection (src/temporal/connection.ts).
    const { WorkflowNotFoundError } = await import('@temporalio/client');
    if (err instanceof WorkflowNotFoundError) return { status: 'unknown' };
    throw err;
  }
  switch (closed) {
    case 'RUNNING':
    case 'CONTINUED_AS_NEW':
      return { status: 'running' };
    case 'COMPLETED':
    case 'FAILED':
    case 'CANCELLED': {
      const again = await reread();
      if (again && again.status !== 'running') return fromStored(again);
      return { status: closed === 'COMPLETED' ? 'completed' : closed === 'FAILED' ? 'failed' : 'cancelled' };
    }
    case 'TERMINATED':
    case 'TIMED_OUT':
      return { status: 'failed', reason: `workflow ${closed.toLowerCase().replace('_', ' ')} in Temporal` };
    default:
      return { status: 'unknown' };
  }
}

function fromStored(run: StoredRun): ReconciledStatus {
  return run.error === null ? { status: run.status } : { status: run.status, reason: run.error };
}

/** Sends a workflow's `cancel` signal; a workflow that Temporal no longer knows has nothing left to stop. */
export async function signalCancel(
  handle: WorkflowHandle,
  signal: SignalDefinition<[{ reason?: string }?]>,
  reason = 'cancelled through the SDK',
): Promise<void> {
  try {
    await handle.signal(signal, { reason });
  } catch (err) {
    const { WorkflowNotFoundError } = await import('@temporalio/client');
    if (!(err instanceof WorkflowNotFoundError)) throw err;
  }
}
