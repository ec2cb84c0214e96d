/**
 * Small activities around executions: an evaluator execution's plan, pages of datapoint ids, row errors and final
 * status; a benchmark execution's evaluator executions and end. The logic lives in the worker-side services.
 */
import { recordBenchmarkExecutionEnd } from '../src/services/common/benchmark-end';
import type { StorageContext } from '../src/services/common/context';
import { planBenchmarkExecution } from '../src/services/worker/benchmark-plan';
import { loadExecutionPlan } from '../src/services/worker/execution-plan';
import { listDatapointPage, recordExecutionEnd, recordRowErrors } from '../src/services/worker/execution-records';
import type { BenchmarkExecutionActivities, EvaluatorExecutionActivities } from '../src/shared/activity-contract';
import { failFastOnDomainErrors } from './fatal-errors';

export function createBookkeeping(
  ctx: StorageContext,
): Omit<EvaluatorExecutionActivities, 'judgeDatapoint'> & BenchmarkExecutionActivities {
  return {
    loadExecutionPlan: ({ executionUid, withRowEstimate = true }) =>
      failFastOnDomainErrors(() => loadExecutionPlan(ctx, executionUid, withRowEstimate)),
    listDatapointPage: (p) => listDatapointPage(ctx, p),
    recordRowErrors: (p) => recordRowErrors(ctx, p.executionUid, p.errors),
    recordRowError: ({ executionUid, ...error }) => recordRowErrors(ctx, executionUid, [error]),
    finishExecution: (p) => recordExecutionEnd(ctx, p),
    planBenchmarkExecution: ({ benchmarkExecutionUid }) =>
      failFastOnDomainErrors(() => planBenchmarkExecution(ctx, benchmarkExecutionUid)),
    finishBenchmarkExecution: (p) => recordBenchmarkExecutionEnd(ctx, p),
  };
}
