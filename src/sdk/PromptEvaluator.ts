/**
 * An LLM-as-a-judge evaluator bound to one criteria (reference: PromptEvaluator). It holds a prompt workflow of
 * named versions `{ systemPrompt?, userPrompt?, modelName, fmHyperparameters? }`; the newest is the latest.
 * Prompts reference dataset columns as `{{column}}` (see src/prompt/template.ts).
 */
import { Judgeflow } from './Judgeflow';
import { requireUid } from '../errors';
import {
  cancelEvaluatorExecution,
  evaluatorExecutionUrl,
  getEvaluatorExecutionProgress,
  getEvaluatorExecutionResults,
  listEvaluatorExecutions,
  pollEvaluatorExecution,
  startEvaluatorExecution,
  type ExecuteOptions,
  type ExecutionResults,
  type ExecutionSummary,
} from '../services/client/evaluator-executions';
import {
  addPromptVersion,
  createPromptEvaluator,
  getPromptVersion,
  listPromptVersionNames,
  requirePromptEvaluator,
  type CreatePromptEvaluatorParams,
  type PromptEvaluatorRecord,
  type PromptVersionRecord,
  type UpdatePromptEvaluatorParams,
} from '../services/client/prompt-evaluators';
import type { Budget, ExecutionProgress, ExecutionStatus } from '../shared/execution-contract';
import { controlEvaluatorExecution } from '../services/client/execution-control';
import { measureVerdictFlips, type VerdictFlipOptions, type VerdictFlipReport } from '../services/client/verdict-flips';
import { estimateEvaluatorExecution, type EstimateOptions, type ExecutionEstimate } from '../services/client/estimates';

export type {
  CreatePromptEvaluatorParams,
  PromptVersionParams,
  UpdatePromptEvaluatorParams,
} from '../services/client/prompt-evaluators';

export class PromptEvaluator {
  readonly evaluatorUid: number;
  readonly criteriaUid: number;
  readonly benchmarkUid: number;
  readonly promptWorkflowUid: number;
  readonly name: string;

  /** The client this object was read with: a true private field, so no way of printing the object shows it. */
  readonly #client: Judgeflow;

  private constructor(client: Judgeflow, e: PromptEvaluatorRecord) {
    this.#client = client;
    this.evaluatorUid = e.evaluatorUid;
    this.criteriaUid = e.criteriaUid;
    this.benchmarkUid = e.benchmarkUid;
    this.promptWorkflowUid = e.promptWorkflowUid;
    this.name = e.name;
  }

  /** Creates a prompt evaluator for a criteria, with its first prompt version. */
  static async create(params: CreatePromptEvaluatorParams, client?: Judgeflow): Promise<PromptEvaluator> {
    const jf = Judgeflow.resolve(client);
    return new PromptEvaluator(jf, await createPromptEvaluator(jf, params));
  }

  /** Throws NotFoundError for an unknown uid, WrongEvaluatorTypeError for an evaluator of another type. */
  static async get(evaluatorUid: number, client?: Judgeflow): Promise<PromptEvaluator> {
    requireUid('evaluatorUid', evaluatorUid);
    const jf = Judgeflow.resolve(client);
    return new PromptEvaluator(jf, await requirePromptEvaluator(jf, evaluatorUid));
  }

  /** Creates a new prompt version, makes it the latest, and returns its name. */
  update(params: UpdatePromptEvaluatorParams): Promise<string> {
    return addPromptVersion(this.#client, this, params);
  }

  /** Version names, oldest first. */
  getVersions(): Promise<string[]> {
    return listPromptVersionNames(this.#client, this.promptWorkflowUid);
  }

  /** A stored version (the latest when no name is given). */
  getVersion(versionName?: string): Promise<PromptVersionRecord> {
    return getPromptVersion(this.#client, this.promptWorkflowUid, versionName);
  }

  /** Executes the evaluator against a dataset split; returns the execution uid. */
  execute(options: ExecuteOptions): Promise<number> {
    return startEvaluatorExecution(this.#client, this, options);
  }

  /**
   * Runs the evaluator twice over `split` (the first `numRows`) — its labels listed in the criteria's order and
   * reversed, or the two prompt `versions` — and reports how far the verdicts move: the flip rate with Wilson's 95 %
   * interval, the mean score shift, and for label order the shift toward the first-listed label (docs/judging.md).
   */
  measureBias(options: VerdictFlipOptions): Promise<VerdictFlipReport> {
    return measureVerdictFlips(this.#client, this, options);
  }

  /** `[status, results so far]`; status is running, completed, failed, cancelled or unknown. */
  async pollExecutionResult(
    executionUid: number,
    options: { sync?: boolean } = {},
  ): Promise<[ExecutionStatus, ExecutionResults]> {
    requireUid('executionUid', executionUid);
    return pollEvaluatorExecution(this.#client, this.evaluatorUid, executionUid, options);
  }

  /** All results of an execution so far: `{ xUid: { score, rationale } }` (plus `error` for failed rows). */
  async getExecutionResult(executionUid: number): Promise<ExecutionResults> {
    requireUid('executionUid', executionUid);
    return getEvaluatorExecutionResults(this.#client, this.evaluatorUid, executionUid);
  }

  /** Executions of this evaluator, oldest first. */
  getExecutions(): Promise<ExecutionSummary[]> {
    return listEvaluatorExecutions(this.#client, this.evaluatorUid);
  }

  /** Live counts, score histogram and recent rows of a running execution. */
  async getExecutionProgress(executionUid: number): Promise<ExecutionProgress> {
    requireUid('executionUid', executionUid);
    return getEvaluatorExecutionProgress(this.#client, this.evaluatorUid, executionUid);
  }

  /** Stops an execution: no new rows, in-flight model calls aborted, results kept, status cancelled. */
  async cancelExecution(executionUid: number): Promise<void> {
    requireUid('executionUid', executionUid);
    return cancelEvaluatorExecution(this.#client, this.evaluatorUid, executionUid);
  }

  /**
   * What an execution would cost, before running it: rows, input tokens (the rendered prompts, counted with the
   * model's tokenizer), expected output tokens, cost from the price table, and time. Calls no model.
   */
  estimate(options: EstimateOptions): Promise<ExecutionEstimate> {
    return estimateEvaluatorExecution(this.#client, this, options);
  }

  /** Stops scheduling rows (in-flight rows finish); the execution waits, `running`, until resumed or cancelled. */
  async pauseExecution(executionUid: number): Promise<ExecutionProgress> {
    requireUid('executionUid', executionUid);
    return controlEvaluatorExecution(this.#client, this.evaluatorUid, executionUid, { action: 'pause' });
  }

  /** Undoes pauseExecution (a budget that is still exceeded keeps it paused, and progress says so). */
  async resumeExecution(executionUid: number): Promise<ExecutionProgress> {
    requireUid('executionUid', executionUid);
    return controlEvaluatorExecution(this.#client, this.evaluatorUid, executionUid, { action: 'resume' });
  }

  /** Rows in flight at most from now on: 1 to JUDGEFLOW_MAX_CONCURRENCY. */
  async setExecutionConcurrency(executionUid: number, concurrency: number): Promise<ExecutionProgress> {
    requireUid('executionUid', executionUid);
    return controlEvaluatorExecution(this.#client, this.evaluatorUid, executionUid, {
      action: 'setConcurrency',
      concurrency,
    });
  }

  /** A new budget (`{}` lifts it): an execution paused by its budget goes on when the new one allows. */
  async setExecutionBudget(executionUid: number, budget: Budget): Promise<ExecutionProgress> {
    requireUid('executionUid', executionUid);
    return controlEvaluatorExecution(this.#client, this.evaluatorUid, executionUid, { action: 'setBudget', budget });
  }

  /** Web UI link of an execution's workflow. */
  executionUrl(executionUid: number): string {
    requireUid('executionUid', executionUid);
    return evaluatorExecutionUrl(this.#client, this.evaluatorUid, executionUid);
  }
}
