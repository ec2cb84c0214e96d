/**
 * An LLM-as-a-judge evaluator bound to one criteria (reference: PromptEvaluator). It holds a prompt workflow of
 * named versions `{ systemPrompt?, userPrompt?, modelName, fmHyperparameters? }`; the newest is the latest.
 * Prompts reference dataset columns as `{{column}}` (see src/prompt/template.ts).
 */
import { Judgeflow } from './Judgeflow';
import {
  MissingModelNameError,
  MissingPromptError,
  NotFoundError,
  UnknownColumnError,
  ValidationError,
  WrongEvaluatorTypeError,
  requireMaxLength,
  requireNonEmptyString,
  requireUid,
  MAX_NAME_LENGTH,
  MAX_PROMPT_LENGTH,
  show,
} from '../errors';
import { findBenchmark } from '../db/benchmark.repository';
import { findCriteria } from '../db/criteria.repository';
import { findDataset } from '../db/dataset.repository';
import {
  findEvaluator,
  insertEvaluator,
  insertPromptVersion,
  insertPromptWorkflow,
  listPromptVersions,
  lockPromptWorkflow,
  type PromptVersionRecord,
} from '../db/evaluator.repository';
import type { Queryable } from '../db/pool';
import { templateVariables } from '../prompt/template';
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
} from '../services/evaluator-executions';
import { nextVersionName, resolvePromptVersion } from '../services/prompt-versions';
import type { Budget, ExecutionProgress, ExecutionStatus } from '../shared/execution-contract';
import { controlEvaluatorExecution } from '../services/execution-control';
import { estimateEvaluatorExecution, type EstimateOptions, type ExecutionEstimate } from '../services/estimates';

export interface PromptVersionParams {
  userPrompt?: string;
  systemPrompt?: string;
  modelName: string;
  /** Passed to the model provider untouched (e.g. `{ response_format: { type: 'json_object' } }`). */
  fmHyperparameters?: Record<string, unknown>;
}

export interface CreatePromptEvaluatorParams extends PromptVersionParams {
  criteriaUid: number;
  /** Name of the evaluator (default: "<criteria name> judge"). */
  name?: string;
  /** Name of the first version (default "v1"). */
  versionName?: string;
}

export interface UpdatePromptEvaluatorParams extends PromptVersionParams {
  /** Name of the new version; generated ("v2", "v3", …) when not given. */
  versionName?: string;
}

export class PromptEvaluator {
  readonly evaluatorUid: number;
  readonly criteriaUid: number;
  readonly benchmarkUid: number;
  readonly promptWorkflowUid: number;
  readonly name: string;

  private constructor(
    private readonly client: Judgeflow,
    e: { evaluatorUid: number; criteriaUid: number; benchmarkUid: number; promptWorkflowUid: number; name: string },
  ) {
    this.evaluatorUid = e.evaluatorUid;
    this.criteriaUid = e.criteriaUid;
    this.benchmarkUid = e.benchmarkUid;
    this.promptWorkflowUid = e.promptWorkflowUid;
    this.name = e.name;
  }

  /** Creates a prompt evaluator for a criteria, with its first prompt version. */
  static async create(params: CreatePromptEvaluatorParams, client?: Judgeflow): Promise<PromptEvaluator> {
    requireUid('criteriaUid', params.criteriaUid);
    const jf = Judgeflow.resolve(client);
    const criteria = await findCriteria(jf.db, params.criteriaUid);
    if (!criteria) throw new NotFoundError('criteria', params.criteriaUid);
    const version = await validateVersion(jf.db, criteria.benchmarkUid, params);
    const versionName = params.versionName ?? 'v1';
    validateVersionName(versionName);
    const evaluatorUid = await jf.db.withTransaction(async (tx) => {
      const promptWorkflowUid = await insertPromptWorkflow(tx);
      const uid = await insertEvaluator(tx, {
        type: 'prompt',
        name: params.name ?? `${criteria.name} judge`,
        benchmarkUid: criteria.benchmarkUid,
        criteriaUid: criteria.uid,
        promptWorkflowUid,
      });
      await insertPromptVersion(tx, promptWorkflowUid, { ...version, name: versionName });
      return uid;
    });
    return PromptEvaluator.get(evaluatorUid, jf);
  }

  /** Throws NotFoundError for an unknown uid, WrongEvaluatorTypeError for an evaluator of another type. */
  static async get(evaluatorUid: number, client?: Judgeflow): Promise<PromptEvaluator> {
    requireUid('evaluatorUid', evaluatorUid);
    const jf = Judgeflow.resolve(client);
    const e = await findEvaluator(jf.db, evaluatorUid);
    if (!e) throw new NotFoundError('evaluator', evaluatorUid);
    if (e.type !== 'prompt' || e.promptWorkflowUid === null)
      throw new WrongEvaluatorTypeError(evaluatorUid, e.type, 'prompt');
    return new PromptEvaluator(jf, { ...e, promptWorkflowUid: e.promptWorkflowUid });
  }

  /** Creates a new prompt version, makes it the latest, and returns its name. */
  async update(params: UpdatePromptEvaluatorParams): Promise<string> {
    const version = await validateVersion(this.client.db, this.benchmarkUid, params);
    return this.client.db.withTransaction(async (tx) => {
      // Serialise updates of one evaluator so generated names cannot collide.
      await lockPromptWorkflow(tx, this.promptWorkflowUid);
      const name =
        params.versionName ??
        nextVersionName((await listPromptVersions(tx, this.promptWorkflowUid)).map((v) => v.name));
      validateVersionName(name);
      await insertPromptVersion(tx, this.promptWorkflowUid, { ...version, name });
      return name;
    });
  }

  /** Version names, oldest first. */
  async getVersions(): Promise<string[]> {
    return (await listPromptVersions(this.client.db, this.promptWorkflowUid)).map((v) => v.name);
  }

  /** A stored version (the latest when no name is given). */
  getVersion(versionName?: string): Promise<PromptVersionRecord> {
    return resolvePromptVersion(this.client.db, this.promptWorkflowUid, versionName);
  }

  /** Executes the evaluator against a dataset split; returns the execution uid. */
  execute(options: ExecuteOptions): Promise<number> {
    return startEvaluatorExecution(this.client, this, options);
  }

  /** `[status, results so far]`; status is running, completed, failed, cancelled or unknown. */
  async pollExecutionResult(
    executionUid: number,
    options: { sync?: boolean } = {},
  ): Promise<[ExecutionStatus, ExecutionResults]> {
    requireUid('executionUid', executionUid);
    return pollEvaluatorExecution(this.client, this.evaluatorUid, executionUid, options);
  }

  /** All results of an execution so far: `{ xUid: { score, rationale } }` (plus `error` for failed rows). */
  async getExecutionResult(executionUid: number): Promise<ExecutionResults> {
    requireUid('executionUid', executionUid);
    return getEvaluatorExecutionResults(this.client, this.evaluatorUid, executionUid);
  }

  /** Executions of this evaluator, oldest first. */
  getExecutions(): Promise<ExecutionSummary[]> {
    return listEvaluatorExecutions(this.client, this.evaluatorUid);
  }

  /** Live counts, score histogram and recent rows of a running execution. */
  async getExecutionProgress(executionUid: number): Promise<ExecutionProgress> {
    requireUid('executionUid', executionUid);
    return getEvaluatorExecutionProgress(this.client, this.evaluatorUid, executionUid);
  }

  /** Stops an execution: no new rows, in-flight model calls aborted, results kept, status cancelled. */
  async cancelExecution(executionUid: number): Promise<void> {
    requireUid('executionUid', executionUid);
    return cancelEvaluatorExecution(this.client, this.evaluatorUid, executionUid);
  }

  /**
   * What an execution would cost, before running it: rows, input tokens (the rendered prompts, counted with the
   * model's tokenizer), expected output tokens, cost from the price table, and time. Calls no model.
   */
  estimate(options: EstimateOptions): Promise<ExecutionEstimate> {
    return estimateEvaluatorExecution(this.client, this, options);
  }

  /** Stops scheduling rows (in-flight rows finish); the execution waits, `running`, until resumed or cancelled. */
  async pauseExecution(executionUid: number): Promise<ExecutionProgress> {
    requireUid('executionUid', executionUid);
    return controlEvaluatorExecution(this.client, this.evaluatorUid, executionUid, { action: 'pause' });
  }

  /** Undoes pauseExecution (a budget that is still exceeded keeps it paused, and progress says so). */
  async resumeExecution(executionUid: number): Promise<ExecutionProgress> {
    requireUid('executionUid', executionUid);
    return controlEvaluatorExecution(this.client, this.evaluatorUid, executionUid, { action: 'resume' });
  }

  /** Rows in flight at most from now on: 1 to JUDGEFLOW_MAX_CONCURRENCY. */
  async setExecutionConcurrency(executionUid: number, concurrency: number): Promise<ExecutionProgress> {
    requireUid('executionUid', executionUid);
    return controlEvaluatorExecution(this.client, this.evaluatorUid, executionUid, {
      action: 'setConcurrency',
      concurrency,
    });
  }

  /** A new budget (`{}` lifts it): an execution paused by its budget goes on when the new one allows. */
  async setExecutionBudget(executionUid: number, budget: Budget): Promise<ExecutionProgress> {
    requireUid('executionUid', executionUid);
    return controlEvaluatorExecution(this.client, this.evaluatorUid, executionUid, { action: 'setBudget', budget });
  }

  /** Web UI link of an execution's workflow. */
  executionUrl(executionUid: number): string {
    requireUid('executionUid', executionUid);
    return evaluatorExecutionUrl(this.client.config, this.evaluatorUid, executionUid);
  }
}

/** The documented checks: a prompt, a model name, template variables that are dataset columns. */
async function validateVersion(
  q: Queryable,
  benchmarkUid: number,
  p: PromptVersionParams,
): Promise<PromptVersionParams> {
  const userPrompt = p.userPrompt?.trim() ? p.userPrompt : undefined;
  const systemPrompt = p.systemPrompt?.trim() ? p.systemPrompt : undefined;
  if (!userPrompt && !systemPrompt) throw new MissingPromptError();
  if (typeof p.modelName !== 'string' || !p.modelName.trim()) throw new MissingModelNameError(p.modelName);
  requireMaxLength('modelName', p.modelName, MAX_NAME_LENGTH);
  if (userPrompt) requireMaxLength('userPrompt', userPrompt, MAX_PROMPT_LENGTH);
  if (systemPrompt) requireMaxLength('systemPrompt', systemPrompt, MAX_PROMPT_LENGTH);
  // JavaScript callers can pass anything: check the value, not its declared type.
  const hyperparameters: unknown = p.fmHyperparameters;
  if (
    hyperparameters !== undefined &&
    (hyperparameters === null || typeof hyperparameters !== 'object' || Array.isArray(hyperparameters))
  ) {
    throw new ValidationError(`fmHyperparameters must be an object, got ${show(hyperparameters)}`);
  }
  const benchmark = await findBenchmark(q, benchmarkUid);
  if (!benchmark) throw new NotFoundError('benchmark', benchmarkUid);
  const columns = (await findDataset(q, benchmark.datasetUid))!.columns;
  for (const [which, template] of [
    ['systemPrompt', systemPrompt],
    ['userPrompt', userPrompt],
  ] as const) {
    for (const variable of templateVariables(template ?? '')) {
      if (!columns.includes(variable)) throw new UnknownColumnError(variable, columns, `${which} uses {{${variable}}}`);
    }
  }
  return { userPrompt, systemPrompt, modelName: p.modelName, fmHyperparameters: p.fmHyperparameters };
}

function validateVersionName(name: unknown): asserts name is string {
  requireNonEmptyString('versionName', name);
}
