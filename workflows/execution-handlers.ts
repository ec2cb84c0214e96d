/**
 * The signal, queries and Updates of an evaluator execution (defined in definitions.ts), bound to its run's state.
 * Live control is validated first: a validator that refuses makes the Update fail with the reason and change
 * nothing; an accepted one answers with the progress after the change.
 */
import { setHandler } from '@temporalio/workflow';
import { budgetProblem } from '../src/shared/budget';
import type { RowAdmission } from './admission';
import {
  cancelSignal,
  pauseUpdate,
  progressQuery,
  resumeUpdate,
  setBudgetUpdate,
  setConcurrencyUpdate,
  statusQuery,
} from './definitions';
import type { ExecutionRun } from './execution-run';

export function registerExecutionHandlers(run: ExecutionRun): void {
  setHandler(cancelSignal, (args) => {
    run.stop('cancelled', args?.reason ?? 'cancelled by user');
  });
  setHandler(statusQuery, () => run.status);
  setHandler(progressQuery, () => run.progress());

  /** The admission path of a running execution, or why live control cannot apply yet (or any more). */
  const admissionFor = (what: string): RowAdmission => {
    if (run.status !== 'running')
      throw new Error(`cannot ${what}: execution ${run.executionUid} has ended (${run.status})`);
    if (!run.admission)
      throw new Error(`cannot ${what} yet: execution ${run.executionUid} is still starting; try again`);
    return run.admission;
  };
  /** Applies an accepted change, then answers with the progress after it. */
  const changed = (apply: () => void) => {
    apply();
    run.publishDetails();
    return run.progress();
  };

  setHandler(pauseUpdate, () => changed(() => (run.admission!.pausedByUser = true)), {
    validator: () => {
      admissionFor('pause');
    },
  });
  setHandler(resumeUpdate, () => changed(() => (run.admission!.pausedByUser = false)), {
    validator: () => {
      admissionFor('resume');
    },
  });
  setHandler(
    setConcurrencyUpdate,
    (n) =>
      changed(() => {
        run.admission!.setMax(n);
      }),
    {
      validator: (n) => {
        admissionFor('set the concurrency');
        if (!Number.isInteger(n) || n < 1 || n > run.maxConcurrency)
          throw new Error(`concurrency must be an integer from 1 to ${run.maxConcurrency}, got ${JSON.stringify(n)}`);
      },
    },
  );
  setHandler(
    setBudgetUpdate,
    (budget) =>
      changed(() => {
        run.admission!.spend.budget = {
          ...(budget.maxCostUsd !== undefined && { maxCostUsd: budget.maxCostUsd }),
          ...(budget.maxTokens !== undefined && { maxTokens: budget.maxTokens }),
        };
      }),
    {
      validator: (budget) => {
        admissionFor('set the budget');
        // `{}` lifts the budget; 0 pauses the execution at once.
        const problem = budgetProblem(budget, { allowZero: true });
        if (problem) throw new Error(`invalid budget ${JSON.stringify(budget)}: ${problem}`);
      },
    },
  );
}
