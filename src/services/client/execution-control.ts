/**
 * Live control of a running evaluator execution through Temporal Updates: pause, resume, setConcurrency and
 * setBudget. Each is checked here first (typed errors naming the value), validated again by the workflow, and
 * answered with the execution's progress after the change.
 */
import { ExecutionNotRunningError, InvalidConcurrencyError, ValidationError } from '../../errors';
import { findExecution } from '../../db/execution.repository';
import type { Budget, ExecutionProgress } from '../../shared/execution-contract';
import { evaluatorExecutionWorkflowId } from '../../shared/workflow-ids';
import { workflowHandle } from '../../temporal/start-workflow';
import { concurrencyCeiling, resolveBudget } from '../common/execute-options';
import type { ServiceContext } from './context';
import { requireExecution } from './evaluator-executions';

export type ExecutionControl =
  | { action: 'pause' }
  | { action: 'resume' }
  | { action: 'setConcurrency'; concurrency: number }
  | { action: 'setBudget'; budget: Budget };

const describe: Record<ExecutionControl['action'], string> = {
  pause: 'pause',
  resume: 'resume',
  setConcurrency: 'set the concurrency',
  setBudget: 'set the budget',
};

export async function controlEvaluatorExecution(
  ctx: ServiceContext,
  evaluatorUid: number,
  executionUid: number,
  control: ExecutionControl,
): Promise<ExecutionProgress> {
  const execution = await requireExecution(ctx, evaluatorUid, executionUid);
  if (control.action === 'setConcurrency') {
    const n = control.concurrency;
    const max = concurrencyCeiling(ctx.config, execution);
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > max) throw new InvalidConcurrencyError(n, max);
  }
  if (control.action === 'setBudget') {
    // JavaScript callers can pass anything; `{}` (no limit) is a valid budget here.
    const given: unknown = control.budget;
    resolveBudget(ctx.config, given ?? {}, execution.modelName);
  }
  if (execution.status !== 'running')
    throw new ExecutionNotRunningError(executionUid, execution.status, describe[control.action]);
  const handle = await workflowHandle(
    ctx,
    'evaluatorExecutionWorkflow',
    evaluatorExecutionWorkflowId(ctx.instanceId, evaluatorUid, executionUid),
  );
  // Signal, query and Update definitions load with the Temporal client, when a workflow is addressed.
  const { pauseUpdate, resumeUpdate, setBudgetUpdate, setConcurrencyUpdate } =
    await import('../../../workflows/definitions');
  try {
    switch (control.action) {
      case 'pause':
        return await handle.executeUpdate(pauseUpdate);
      case 'resume':
        return await handle.executeUpdate(resumeUpdate);
      case 'setConcurrency':
        return await handle.executeUpdate(setConcurrencyUpdate, { args: [control.concurrency] });
      case 'setBudget':
        return await handle.executeUpdate(setBudgetUpdate, { args: [control.budget] });
    }
  } catch (err) {
    // The workflow's validator refused it (e.g. it ended meanwhile): its reason, as a typed error.
    const { WorkflowUpdateFailedError } = await import('@temporalio/client');
    if (!(err instanceof WorkflowUpdateFailedError)) throw err;
    const now = await findExecution(ctx.db, executionUid);
    if (now && now.status !== 'running')
      throw new ExecutionNotRunningError(executionUid, now.status, describe[control.action]);
    throw new ValidationError(err.cause?.message ?? err.message);
  }
}
