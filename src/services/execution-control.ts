/**
 * Live control of a running evaluator execution through Temporal Updates: pause, resume, setConcurrency and
 * setBudget. Each is checked here first (typed errors naming the value), validated again by the workflow, and
 * answered with the execution's progress after the change.
 */
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ExecutionNotRunningError, InvalidConcurrencyError, ValidationError } from '../errors';
import { findEvaluator } from '../db/evaluator.repository';
import { findExecution } from '../db/execution.repository';
import type { Budget, ExecutionProgress } from '../shared/execution-contract';
import { evaluatorExecutionWorkflowId } from '../shared/workflow-ids';
import {
  pauseUpdate,
  resumeUpdate,
  setBudgetUpdate,
  setConcurrencyUpdate,
  type evaluatorExecutionWorkflow,
} from '../../workflows/evaluator-execution';
import type { ServiceContext } from './context';
import { requireExecution } from './evaluator-executions';
import { concurrencyCeiling, resolveBudget } from './execute-options';
import { resolvePromptVersion } from './prompt-versions';

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
    const evaluator = (await findEvaluator(ctx.db, evaluatorUid))!;
    const version = await resolvePromptVersion(ctx.db, evaluator.promptWorkflowUid!, execution.promptVersionName);
    // JavaScript callers can pass anything; `{}` (no limit) is a valid budget here.
    const given: unknown = control.budget;
    resolveBudget(ctx.config, given ?? {}, version.modelName);
  }
  if (execution.status !== 'running')
    throw new ExecutionNotRunningError(executionUid, execution.status, describe[control.action]);
  const handle = (await ctx.temporal()).workflow.getHandle<typeof evaluatorExecutionWorkflow>(
    evaluatorExecutionWorkflowId(evaluatorUid, executionUid),
  );
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
    if (!(err instanceof WorkflowUpdateFailedError)) throw err;
    const now = await findExecution(ctx.db, executionUid);
    if (now && now.status !== 'running')
      throw new ExecutionNotRunningError(executionUid, now.status, describe[control.action]);
    throw new ValidationError(err.cause?.message ?? err.message);
  }
}
