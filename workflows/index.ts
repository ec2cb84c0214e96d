/** All workflows, for the worker's bundle. Deterministic code only (see docs/architecture.md, "Workflows"). */
import type { JudgeflowWorkflows } from './definitions';
import { benchmarkExecutionWorkflow } from './benchmark-execution';
import { evaluatorExecutionWorkflow } from './evaluator-execution';
import { exportWorkflow } from './export';
import { scheduledRunWorkflow } from './scheduled-run';

export { benchmarkExecutionWorkflow, evaluatorExecutionWorkflow, exportWorkflow, scheduledRunWorkflow };

// Clients start workflows by the names and types of JudgeflowWorkflows: this fails to compile when they drift.
const _startedByName: JudgeflowWorkflows = {
  benchmarkExecutionWorkflow,
  evaluatorExecutionWorkflow,
  exportWorkflow,
  scheduledRunWorkflow,
};
