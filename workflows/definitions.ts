/**
 * Every signal, query and Update of judgeflow's workflows, and the workflows' types: what clients (services) and
 * workflow code share. Imports only the workflow SDK's definition helpers and side-effect-free contracts, so a
 * client can import it without loading any workflow implementation; services start workflows by these names.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type {
  BenchmarkExecutionInput,
  BenchmarkProgress,
  ExportInput,
  ExportOutcome,
} from '../src/shared/benchmark-contract';
import type { ScheduledRunInput, ScheduledRunOutcome } from '../src/shared/schedule-contract';
import {
  CANCEL_SIGNAL,
  PAUSE_UPDATE,
  PROGRESS_QUERY,
  RESUME_UPDATE,
  SET_BUDGET_UPDATE,
  SET_CONCURRENCY_UPDATE,
  STATUS_QUERY,
  type Budget,
  type EvaluatorExecutionInput,
  type EvaluatorExecutionOutcome,
  type ExecutionProgress,
  type ExecutionStatus,
} from '../src/shared/execution-contract';

/**
 * The workflows a judgeflow worker runs, by type name. workflows/index.ts checks that its exports have exactly
 * these signatures, so a client that starts one by name gets the types the workflow really has.
 */
export interface JudgeflowWorkflows {
  evaluatorExecutionWorkflow(input: EvaluatorExecutionInput): Promise<EvaluatorExecutionOutcome>;
  benchmarkExecutionWorkflow(input: BenchmarkExecutionInput): Promise<BenchmarkProgress>;
  exportWorkflow(input: ExportInput): Promise<ExportOutcome>;
  scheduledRunWorkflow(input: ScheduledRunInput): Promise<ScheduledRunOutcome>;
}
export type WorkflowName = keyof JudgeflowWorkflows;

/** Stops an execution (what the SDK sends); Temporal's own cancel (the Web UI button) ends the same way. */
export const cancelSignal = defineSignal<[{ reason?: string }?]>(CANCEL_SIGNAL);
export const statusQuery = defineQuery<ExecutionStatus>(STATUS_QUERY);
export const progressQuery = defineQuery<ExecutionProgress>(PROGRESS_QUERY);

/** Live control of an evaluator execution: each is validated first and answers with the progress after it. */
export const pauseUpdate = defineUpdate<ExecutionProgress>(PAUSE_UPDATE);
export const resumeUpdate = defineUpdate<ExecutionProgress>(RESUME_UPDATE);
export const setConcurrencyUpdate = defineUpdate<ExecutionProgress, [number]>(SET_CONCURRENCY_UPDATE);
export const setBudgetUpdate = defineUpdate<ExecutionProgress, [Budget]>(SET_BUDGET_UPDATE);

/** A benchmark execution answers `progress` with each of its evaluator executions. */
export const benchmarkProgressQuery = defineQuery<BenchmarkProgress>(PROGRESS_QUERY);
