/**
 * Evaluator executions through the SDK: start (`execute`), poll, read results, list, cancel. PostgreSQL holds
 * the execution and its results; Temporal runs it. PromptEvaluator's methods delegate here.
 */
import { WorkflowNotFoundError, type WorkflowHandle } from '@temporalio/client';
import { startWorkflow } from './start-workflow';
import type { Judgeflow } from './client';
import { ModelNotConfiguredError, NotFoundError, UnknownSplitError, UnknownVersionError } from '../errors';
import {
  findExecution,
  finishExecution,
  insertExecution,
  listExecutions,
  listResults,
  splitExtent,
  type ExecutionRecord,
} from '../db/execution.repository';
import {
  PROGRESS_QUERY,
  CANCEL_SIGNAL,
  type EvaluatorExecutionInput,
  type ExecutionProgress,
  type ExecutionStatus,
} from '../shared/execution-contract';
import { listPromptVersions } from '../db/evaluator.repository';
import { BENCHMARK_UID, EVALUATOR_UID, KIND, SPLIT } from '../temporal/search-attributes';
import { evaluatorExecutionWorkflowId, workflowUrl } from '../temporal/workflow-ids';
import { findBenchmark } from '../db/benchmark.repository';
import { countBySplit } from '../db/dataset.repository';
import { checkNumRows, resolveConcurrency } from './execute-options';

export interface ExecuteOptions {
  /** The dataset split to evaluate on. */
  split: string;
  /** Evaluate only the first `numRows` rows of the split, in dataset order. */
  numRows?: number;
  /** The prompt version to use; the latest when not given. */
  versionName?: string;
  /** Wait for the execution to end before returning. */
  sync?: boolean;
  /** Rows judged at once (default JUDGEFLOW_CONCURRENCY, at most JUDGEFLOW_MAX_CONCURRENCY). */
  concurrency?: number;
  /** Test hook: rows per workflow run before continue-as-new. */
  pageSize?: number;
  /** Set when the execution is part of a benchmark execution. */
  benchmarkExecutionUid?: number;
}

export interface ExecutionResult {
  score: number | null;
  rationale: string | null;
  /** Set when the row could not be judged (the score is then null). */
  error?: string;
}
export type ExecutionResults = Record<string, ExecutionResult>;

export interface ExecutionSummary {
  executionUid: number;
  createdAt: Date;
  promptVersionName: string;
  status: ExecutionStatus;
}

interface EvaluatorRef {
  evaluatorUid: number;
  benchmarkUid: number;
  promptWorkflowUid: number;
}

/** Validates, records the execution in PostgreSQL, and starts its workflow. Returns the execution uid. */
export async function startExecution(jf: Judgeflow, evaluator: EvaluatorRef, options: ExecuteOptions): Promise<number> {
  const { split, numRows, versionName, sync = false } = options;
  checkNumRows(numRows);
  const concurrency = resolveConcurrency(jf, options.concurrency);

  const version = await findVersion(jf, evaluator.promptWorkflowUid, versionName);
  checkModelConfigured(jf, version.modelName);
  const benchmark = await findBenchmark(jf.db, evaluator.benchmarkUid);
  if (!benchmark) throw new NotFoundError('benchmark', evaluator.benchmarkUid);
  const extent = await splitExtent(jf.db, benchmark.datasetUid, split, numRows);
  if (extent.totalRows === 0) throw new UnknownSplitError(split, Object.keys(await countBySplit(jf.db, benchmark.datasetUid)));

  const executionUid = await insertExecution(jf.db, {
    evaluatorUid: evaluator.evaluatorUid,
    promptVersionUid: version.uid,
    benchmarkExecutionUid: options.benchmarkExecutionUid,
    split,
    numRows,
    concurrency,
    ...extent,
  });

  const input: EvaluatorExecutionInput = { executionUid, pageSize: options.pageSize };
  const handle = await startWorkflow(
    jf,
    {
      workflowType: 'evaluatorExecutionWorkflow',
      workflowId: evaluatorExecutionWorkflowId(evaluator.evaluatorUid, executionUid),
      args: [input],
      searchAttributes: [
        { key: EVALUATOR_UID, value: evaluator.evaluatorUid },
        { key: BENCHMARK_UID, value: evaluator.benchmarkUid },
        { key: KIND, value: 'evaluator-execution' },
        { key: SPLIT, value: split },
      ],
      summary: `Evaluator ${evaluator.evaluatorUid}, prompt version "${version.name}" (${version.modelName}): ${extent.totalRows} rows of split "${split}"`,
      details:
        `Execution ${executionUid} of evaluator ${evaluator.evaluatorUid} (benchmark ${evaluator.benchmarkUid}). ` +
        `Results are stored in PostgreSQL (evaluator_results.execution_uid = ${executionUid}); ` +
        `query "progress" for counts and a score histogram. Concurrency ${concurrency}.`,
    },
    (reason) => finishExecution(jf.db, executionUid, 'failed', reason),
  );
  if (sync) await handle.result().catch(() => {});
  return executionUid;
}

/** `[status, results so far]`; with `sync`, waits for the end first. `unknown` (and no results) for an unknown uid. */
export async function pollExecution(
  jf: Judgeflow,
  evaluatorUid: number,
  executionUid: number,
  options: { sync?: boolean } = {},
): Promise<[ExecutionStatus, ExecutionResults]> {
  const execution = await findExecution(jf.db, executionUid);
  if (!execution || execution.evaluatorUid !== evaluatorUid) return ['unknown', {}];
  if (options.sync && execution.status === 'running') {
    await workflowHandle(jf, execution)
      .then((h) => h.result())
      .catch(() => {});
  }
  const status = await executionStatus(jf, executionUid);
  return [status, await getResults(jf, evaluatorUid, executionUid)];
}

/**
 * An execution's status: from PostgreSQL once it has ended; while PostgreSQL says running, from Temporal
 * (a workflow that closed without recording its end, e.g. terminated, is recorded then); `unknown` when
 * neither knows it.
 */
export async function executionStatus(jf: Judgeflow, executionUid: number): Promise<ExecutionStatus> {
  const execution = await findExecution(jf.db, executionUid);
  if (!execution) return 'unknown';
  if (execution.status !== 'running') return execution.status;
  let description;
  try {
    description = await (await workflowHandle(jf, execution)).describe();
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return 'unknown';
    throw err;
  }
  switch (description.status.name) {
    case 'RUNNING':
    case 'CONTINUED_AS_NEW':
      return 'running';
    case 'COMPLETED':
    case 'FAILED':
    case 'CANCELLED': {
      // The workflow recorded its end just now: PostgreSQL has it.
      const again = await findExecution(jf.db, executionUid);
      return again?.status ?? 'unknown';
    }
    case 'TERMINATED':
    case 'TIMED_OUT': {
      const reason = `workflow ${description.status.name.toLowerCase()} in Temporal`;
      await finishExecution(jf.db, executionUid, 'failed', reason);
      return 'failed';
    }
    default:
      return 'unknown';
  }
}

/** All results so far from PostgreSQL (during the run, after it, and after Temporal forgot the workflow). */
export async function getResults(jf: Judgeflow, evaluatorUid: number, executionUid: number): Promise<ExecutionResults> {
  const execution = await findExecution(jf.db, executionUid);
  if (!execution || execution.evaluatorUid !== evaluatorUid) {
    throw new NotFoundError(`evaluator execution of evaluator ${evaluatorUid}`, executionUid);
  }
  const results: ExecutionResults = {};
  for (const r of await listResults(jf.db, executionUid)) {
    results[r.xUid] = r.error === null ? { score: r.score, rationale: r.rationale } : { score: null, rationale: null, error: r.error };
  }
  return results;
}

/** Executions of an evaluator, oldest first. */
export async function getExecutions(jf: Judgeflow, evaluatorUid: number): Promise<ExecutionSummary[]> {
  return (await listExecutions(jf.db, evaluatorUid)).map((e) => ({
    executionUid: e.uid,
    createdAt: e.createdAt,
    promptVersionName: e.promptVersionName,
    status: e.status,
  }));
}

/** Live progress from the workflow's `progress` query (counts, histogram, recent rows). */
export async function getProgress(jf: Judgeflow, evaluatorUid: number, executionUid: number): Promise<ExecutionProgress> {
  const execution = await requireExecution(jf, evaluatorUid, executionUid);
  return (await workflowHandle(jf, execution)).query<ExecutionProgress>(PROGRESS_QUERY);
}

/** Asks the execution to stop: no new rows start, in-flight calls are aborted, results so far are kept. */
export async function cancelExecution(jf: Judgeflow, evaluatorUid: number, executionUid: number, reason?: string): Promise<void> {
  const execution = await requireExecution(jf, evaluatorUid, executionUid);
  if (execution.status !== 'running') return;
  try {
    await (await workflowHandle(jf, execution)).signal(CANCEL_SIGNAL, { reason: reason ?? 'cancelled through the SDK' });
  } catch (err) {
    if (!(err instanceof WorkflowNotFoundError)) throw err;
  }
}

/** Web UI link of an execution's workflow. */
export function executionUrl(jf: Judgeflow, evaluatorUid: number, executionUid: number): string {
  return workflowUrl(jf.config.temporal.uiUrl, jf.config.temporal.namespace, evaluatorExecutionWorkflowId(evaluatorUid, executionUid));
}

async function requireExecution(jf: Judgeflow, evaluatorUid: number, executionUid: number): Promise<ExecutionRecord> {
  const execution = await findExecution(jf.db, executionUid);
  if (!execution || execution.evaluatorUid !== evaluatorUid) {
    throw new NotFoundError(`evaluator execution of evaluator ${evaluatorUid}`, executionUid);
  }
  return execution;
}

async function workflowHandle(jf: Judgeflow, e: ExecutionRecord): Promise<WorkflowHandle> {
  return (await jf.temporal()).workflow.getHandle(evaluatorExecutionWorkflowId(e.evaluatorUid, e.uid));
}

async function findVersion(jf: Judgeflow, promptWorkflowUid: number, versionName: string | undefined) {
  const versions = await listPromptVersions(jf.db, promptWorkflowUid);
  const version = versionName === undefined ? versions.at(-1) : versions.find((v) => v.name === versionName);
  if (!version) throw new UnknownVersionError(versionName ?? '(latest)', versions.map((v) => v.name));
  return version;
}

function checkModelConfigured(jf: Judgeflow, modelName: string): void {
  const { openai, models } = jf.config;
  if (!openai.apiKey && !openai.baseUrl) {
    throw new ModelNotConfiguredError(
      modelName,
      'no model endpoint is configured; set OPENAI_API_KEY (and OPENAI_BASE_URL for a non-OpenAI endpoint), ' +
        'or start the local judge server (`npm run judge-server`) and set OPENAI_BASE_URL to it',
    );
  }
  if (models && !models.includes(modelName)) {
    throw new ModelNotConfiguredError(modelName, `JUDGEFLOW_MODELS allows ${models.map((m) => JSON.stringify(m)).join(', ')}`);
  }
}
