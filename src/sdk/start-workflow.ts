/**
 * Starts a judgeflow workflow on the configured task queue. When Temporal cannot start it, nothing will ever run it:
 * `recordFailure` marks the PostgreSQL record failed (instead of leaving it "running") and an UnavailableError says why.
 */
import type { WorkflowHandle } from '@temporalio/client';
import type { SearchAttributePair } from '@temporalio/common';
import type { Judgeflow } from './client';
import { UnavailableError } from '../errors';

export interface StartWorkflowParams {
  workflowType: string;
  workflowId: string;
  args: unknown[];
  searchAttributes: SearchAttributePair[];
  /** One line for the Web UI's list. */
  summary: string;
  details?: string;
}

export async function startWorkflow(
  jf: Judgeflow,
  p: StartWorkflowParams,
  recordFailure: (reason: string) => Promise<void>,
): Promise<WorkflowHandle> {
  try {
    return await (await jf.temporal()).workflow.start(p.workflowType, {
      workflowId: p.workflowId,
      taskQueue: jf.config.temporal.taskQueue,
      args: p.args,
      typedSearchAttributes: p.searchAttributes,
      staticSummary: p.summary,
      staticDetails: p.details,
    });
  } catch (err) {
    const message = (err as Error).message;
    await recordFailure(`could not start its workflow: ${message}`);
    if (err instanceof UnavailableError) throw err;
    throw new UnavailableError('Temporal', jf.config.temporal.address, `starting workflow ${p.workflowId} failed: ${message}`, { cause: err });
  }
}
