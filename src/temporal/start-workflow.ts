/**
 * Starts a judgeflow workflow by its type name (typed by JudgeflowWorkflows, so no workflow implementation is
 * loaded by a client), on the configured task queue. When Temporal cannot start it,
 * nothing will ever run it: `recordFailure` marks the PostgreSQL record failed (instead of leaving it "running")
 * and an UnavailableError says why.
 */
import type { Client, WorkflowHandle, WorkflowHandleWithStartDetails, WorkflowStartOptions } from '@temporalio/client';
import type { SearchAttributePair, Workflow } from '@temporalio/common';
import { UnavailableError } from '../errors';
import type { Config } from '../config';
import type { JudgeflowWorkflows, WorkflowName } from '../../workflows/definitions';

export interface StartWorkflowOptions<W extends Workflow> {
  workflowId: string;
  args: Parameters<W>;
  searchAttributes: SearchAttributePair[];
  /** One line for the Web UI's list. */
  summary: string;
  details?: string;
  workflowTaskTimeout?: string;
}

export async function startWorkflow<N extends WorkflowName>(
  ctx: { readonly config: Config; temporal(): Promise<Client> },
  workflowType: N,
  o: StartWorkflowOptions<JudgeflowWorkflows[N]>,
  recordFailure: (reason: string) => Promise<void>,
): Promise<WorkflowHandleWithStartDetails<JudgeflowWorkflows[N]>> {
  try {
    const client = await ctx.temporal();
    // `args` is typed by the workflow's parameters above; the SDK's conditional options type cannot see that.
    const options = {
      workflowId: o.workflowId,
      taskQueue: ctx.config.temporal.taskQueue,
      args: o.args,
      typedSearchAttributes: o.searchAttributes,
      staticSummary: o.summary,
      staticDetails: o.details,
      ...(o.workflowTaskTimeout && { workflowTaskTimeout: o.workflowTaskTimeout }),
    } as unknown as WorkflowStartOptions<JudgeflowWorkflows[N]>;
    return await client.workflow.start<JudgeflowWorkflows[N]>(workflowType, options);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    await recordFailure(`could not start its workflow: ${message}`);
    if (err instanceof UnavailableError) throw err;
    throw new UnavailableError(
      'Temporal',
      ctx.config.temporal.address,
      `starting workflow ${o.workflowId} failed: ${message}`,
      {
        cause: err,
      },
    );
  }
}

/** A handle on a judgeflow workflow by its id, typed by its type name. */
export async function workflowHandle<N extends WorkflowName>(
  ctx: { temporal(): Promise<Client> },
  _workflowType: N,
  workflowId: string,
): Promise<WorkflowHandle<JudgeflowWorkflows[N]>> {
  return (await ctx.temporal()).workflow.getHandle<JudgeflowWorkflows[N]>(workflowId);
}
