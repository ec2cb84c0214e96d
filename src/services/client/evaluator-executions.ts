/**
 * Evaluator executions, each client-side use case once: start (validate, record and run its workflow), read
 * status and results, list, live progress, cancel. The SDK and the CLI call these.
 */
import { InvalidXUidsError, JudgeflowError, NotFoundError, UnknownSplitError, show } from '../../errors';
import { findBenchmark } from '../../db/benchmark.repository';
import { countBySplit } from '../../db/dataset.repository';
import {
  countFinishedRows,
  findExecution,
  finishExecution,
  listExecutions,
  listResults,
  xUidsNotInSplit,
  type ExecutionRecord,
  type RowSample,
  type ScoreDistribution,
} from '../../db/execution.repository';
import {
  EXECUTION_WORKFLOW_TASK_TIMEOUT,
  type Budget,
  type ExecutionProgress,
  type ExecutionStatus,
} from '../../shared/execution-contract';
import type { RowErrorKind } from '../../shared/row-errors';
import { evaluatorExecutionSearchAttributes } from '../../shared/search-attributes';
import { evaluatorExecutionWorkflowId, workflowUrl } from '../../shared/workflow-ids';
import { startWorkflow, workflowHandle as handleOf } from '../../temporal/start-workflow';
import type { InstanceContext, StorageContext } from '../common/context';
import { createEvaluatorExecution, type EvaluatorRef } from '../common/evaluator-execution-records';
import {
  checkNumRows,
  checkXUids,
  resolveBudget,
  resolveConcurrency,
  resolveSampling,
} from '../common/execute-options';
import type { Aggregation, LabelOrder, Scoring, ScoringFallback } from '../../shared/sampling';
import { resolvePromptVersion } from '../common/prompt-versions';
import type { ServiceContext } from './context';
import { reconcileStatus, signalCancel, type ReconciledStatus } from './execution-status';

export type { EvaluatorRef } from '../common/evaluator-execution-records';
export type { ExecutionRecord } from '../../db/execution.repository';

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
  /**
   * Spend limit (default JUDGEFLOW_BUDGET_USD / JUDGEFLOW_BUDGET_TOKENS): when the next rows would exceed it, the
   * execution pauses (status stays `running`) until the budget is raised (`setExecutionBudget`) or it is cancelled.
   */
  budget?: Budget;
  /** Reuse the stored answer of an identical earlier request instead of calling the model (default JUDGEFLOW_CACHE). */
  cache?: boolean;
  /**
   * Judgements per row (default 1, at most MAX_SAMPLES = 20): with several, the row's verdict aggregates them
   * (`aggregation`, default `majority`) and has a confidence, the share of samples that agree (docs/judging.md).
   */
  samples?: number;
  aggregation?: Aggregation;
  /**
   * `logprobs`: score each row by the judge's probability over the label scores (the answer's token logprobs)
   * instead of its one answer; a model without logprobs fails the execution at its first row unless `fallback` is
   * `samples` (docs/judging.md). Default `answer`.
   */
  scoring?: Scoring;
  fallback?: ScoringFallback;
  /**
   * How each row's labels are listed to the judge: `shuffled` per row by a seed from its x_uid (default), `fixed` as
   * the criteria lists them, or `reversed`. The order each row saw is stored with it.
   */
  labelOrder?: LabelOrder;
  /** Only these datapoints of the split, by x_uid (e.g. the rows to escalate); every row when not given. */
  xUids?: string[];
  /** Test hook: rows per workflow run before continue-as-new. */
  pageSize?: number;
}

export interface ExecutionResult {
  score: number | null;
  rationale: string | null;
  /** Set when the row could not be judged (the score is then null). */
  error?: string;
  /** Which kind of error (see ROW_ERROR_KINDS): unparseable, out_of_range, refusal, timeout, provider, … */
  errorKind?: RowErrorKind;
  /** Tokens as the provider reported them and the model it says answered (0 tokens for a cache hit). */
  usage?: {
    promptTokens: number | null;
    completionTokens: number | null;
    totalTokens: number | null;
    model: string | null;
  };
  /** USD from the price table; null when the model has none; 0 for a cache hit. */
  costUsd?: number | null;
  /** The earlier row whose paid answer this one reused (request cache). */
  cachedFrom?: { executionUid: number; xUid: string };
  /**
   * A row judged several times (`samples`): the share of its samples that gave its score, their mean score, and each
   * sample in order (an unusable one with its error).
   */
  confidence?: number | null;
  expectedScore?: number | null;
  samples?: RowSample[];
  /** A row scored by logprobs: the probability per label score (`{"1": 0.1, …}`) and its entropy in bits. */
  distribution?: ScoreDistribution;
  entropy?: number;
}
export type ExecutionResults = Record<string, ExecutionResult>;

export interface ExecutionSummary {
  executionUid: number;
  createdAt: Date;
  promptVersionName: string;
  /** The dataset split it ran on (beyond the reference's keys: the command line lists it). */
  split: string;
  status: ExecutionStatus;
  /** Rows finished so far (scored or errored), and how many of them are row errors. */
  done: number;
  errors: number;
}

/** Validates, records the execution in PostgreSQL, and starts its workflow. Returns the execution uid. */
export async function startEvaluatorExecution(
  ctx: ServiceContext,
  evaluator: EvaluatorRef,
  options: ExecuteOptions,
): Promise<number> {
  const { split, numRows } = options;
  checkNumRows(numRows);
  const concurrency = resolveConcurrency(ctx.config, options.concurrency);
  const benchmark = await findBenchmark(ctx.db, evaluator.benchmarkUid);
  if (!benchmark) throw new NotFoundError('benchmark', evaluator.benchmarkUid);
  const version = await resolvePromptVersion(ctx.db, evaluator.promptWorkflowUid, options.versionName);
  const budget = resolveBudget(ctx.config, options.budget, version.modelName);
  const sampling = resolveSampling(options);
  checkXUids(options.xUids);
  if (options.xUids) {
    const { missing, count } = await xUidsNotInSplit(ctx.db, benchmark.datasetUid, split, options.xUids);
    if (count > 0)
      throw new InvalidXUidsError(
        `${count} of the xUids are not datapoints of split ${show(split)}: ${missing.map((x) => show(x)).join(', ')}` +
          (count > missing.length ? ', …' : ''),
      );
  }
  const created = await createEvaluatorExecution(ctx.db, ctx.config, {
    evaluator,
    datasetUid: benchmark.datasetUid,
    split,
    numRows,
    version,
    concurrency,
    budget,
    cache: options.cache ?? ctx.config.spend.cache,
    sampling,
    xUids: options.xUids,
  });
  if (!created) throw new UnknownSplitError(split, Object.keys(await countBySplit(ctx.db, benchmark.datasetUid)));
  const { executionUid } = created;

  const handle = await startWorkflow(
    ctx,
    'evaluatorExecutionWorkflow',
    {
      workflowId: evaluatorExecutionWorkflowId(ctx.instanceId, evaluator.evaluatorUid, executionUid),
      args: [{ executionUid, pageSize: options.pageSize }],
      workflowTaskTimeout: EXECUTION_WORKFLOW_TASK_TIMEOUT,
      searchAttributes: evaluatorExecutionSearchAttributes({ ...evaluator, split }),
      summary:
        `Evaluator ${evaluator.evaluatorUid}, prompt version "${created.promptVersionName}" (${created.modelName}): ` +
        `${created.totalRows} rows of split "${split}"`,
      details:
        `Execution ${executionUid} of evaluator ${evaluator.evaluatorUid} (benchmark ${evaluator.benchmarkUid}). ` +
        `Results are stored in PostgreSQL (evaluator_results.execution_uid = ${executionUid}); ` +
        `query "progress" for counts and a score histogram. Concurrency ${concurrency}.`,
    },
    (reason) => finishExecution(ctx.db, executionUid, 'failed', reason),
  );
  if (options.sync) await handle.result().catch(() => undefined);
  return executionUid;
}

/** An execution of this evaluator, or NotFoundError. */
export async function requireExecution(
  ctx: ServiceContext,
  evaluatorUid: number,
  executionUid: number,
): Promise<ExecutionRecord> {
  const execution = await findExecution(ctx.db, executionUid);
  if (execution?.evaluatorUid !== evaluatorUid) {
    throw new NotFoundError(`evaluator execution of evaluator ${evaluatorUid}`, executionUid);
  }
  return execution;
}

/** An evaluator execution by its uid alone (the command line's `execution … <uid>`), or NotFoundError. */
export async function requireEvaluatorExecution(ctx: StorageContext, executionUid: number): Promise<ExecutionRecord> {
  const execution = await findExecution(ctx.db, executionUid);
  if (!execution) throw new NotFoundError('evaluator execution', executionUid);
  return execution;
}

/** The status of a stored execution (see execution-status.ts); reads PostgreSQL again only when Temporal says it closed. */
export function evaluatorExecutionStatus(ctx: ServiceContext, execution: ExecutionRecord): Promise<ReconciledStatus> {
  return reconcileStatus(
    execution,
    () => workflowHandle(ctx, execution),
    () => findExecution(ctx.db, execution.uid),
  );
}

/** `[status, results so far]`; with `sync`, waits for the end first. `unknown` (and no results) for an unknown uid. */
export async function pollEvaluatorExecution(
  ctx: ServiceContext,
  evaluatorUid: number,
  executionUid: number,
  options: { sync?: boolean } = {},
): Promise<[ExecutionStatus, ExecutionResults]> {
  let execution = await findExecution(ctx.db, executionUid);
  if (execution?.evaluatorUid !== evaluatorUid) return ['unknown', {}];
  if (options.sync && execution.status === 'running') {
    await (await workflowHandle(ctx, execution)).result().catch(() => undefined);
    execution = (await findExecution(ctx.db, executionUid)) ?? execution;
  }
  const { status } = await evaluatorExecutionStatus(ctx, execution);
  return [status, await readResults(ctx, executionUid)];
}

/** All results so far from PostgreSQL (during the run, after it, and after Temporal forgot the workflow). */
export async function getEvaluatorExecutionResults(
  ctx: ServiceContext,
  evaluatorUid: number,
  executionUid: number,
): Promise<ExecutionResults> {
  await requireExecution(ctx, evaluatorUid, executionUid);
  return readResults(ctx, executionUid);
}

async function readResults(ctx: ServiceContext, executionUid: number): Promise<ExecutionResults> {
  const results: ExecutionResults = {};
  for (const r of await listResults(ctx.db, executionUid)) {
    const spend = {
      usage: {
        promptTokens: r.promptTokens,
        completionTokens: r.completionTokens,
        totalTokens:
          r.promptTokens === null && r.completionTokens === null
            ? null
            : (r.promptTokens ?? 0) + (r.completionTokens ?? 0),
        model: r.providerModel,
      },
      costUsd: r.costUsd,
      ...(r.cacheHit && { cachedFrom: { executionUid: r.cacheSourceExecutionUid!, xUid: r.cacheSourceXUid! } }),
      ...(r.samples && { confidence: r.confidence, expectedScore: r.expectedScore, samples: r.samples }),
      ...(r.distribution && {
        confidence: r.confidence,
        expectedScore: r.expectedScore,
        distribution: r.distribution,
        entropy: r.entropy!,
      }),
    };
    results[r.xUid] =
      r.error === null
        ? { score: r.score, rationale: r.rationale, ...spend }
        : { score: null, rationale: null, error: r.error, errorKind: r.errorKind ?? 'provider', ...spend };
  }
  return results;
}

/** Executions of an evaluator, oldest first, each with its reconciled status. */
export async function listEvaluatorExecutions(ctx: ServiceContext, evaluatorUid: number): Promise<ExecutionSummary[]> {
  const executions = await listExecutions(ctx.db, evaluatorUid);
  const counts = await countFinishedRows(
    ctx.db,
    executions.map((e) => e.uid),
  );
  return Promise.all(
    executions.map(async (e) => ({
      executionUid: e.uid,
      createdAt: e.createdAt,
      promptVersionName: e.promptVersionName,
      split: e.split,
      status: (await evaluatorExecutionStatus(ctx, e)).status,
      ...(counts.get(e.uid) ?? { done: 0, errors: 0 }),
    })),
  );
}

/** Live progress from the workflow's `progress` query (counts, histogram, recent rows). */
export async function getEvaluatorExecutionProgress(
  ctx: ServiceContext,
  evaluatorUid: number,
  executionUid: number,
): Promise<ExecutionProgress> {
  const execution = await requireExecution(ctx, evaluatorUid, executionUid);
  // Signal, query and Update definitions load with the Temporal client, when a workflow is addressed.
  const { progressQuery } = await import('../../../workflows/definitions');
  try {
    return await (await workflowHandle(ctx, execution)).query(progressQuery);
  } catch (err) {
    // Temporal drops closed workflows after its retention; the results stay in PostgreSQL.
    const { WorkflowNotFoundError } = await import('@temporalio/client');
    if (!(err instanceof WorkflowNotFoundError)) throw err;
    throw new JudgeflowError(
      `execution ${executionUid} has ended (${execution.status}) and Temporal no longer holds its workflow, so it has ` +
        'no live progress; its results are in PostgreSQL (getExecutionResult, or `judgeflow execution results`)',
    );
  }
}

/** Asks the execution to stop: no new rows start, in-flight calls are aborted, results so far are kept. */
export async function cancelEvaluatorExecution(
  ctx: ServiceContext,
  evaluatorUid: number,
  executionUid: number,
  reason?: string,
): Promise<void> {
  const execution = await requireExecution(ctx, evaluatorUid, executionUid);
  if (execution.status !== 'running') return;
  const { cancelSignal } = await import('../../../workflows/definitions');
  await signalCancel(await workflowHandle(ctx, execution), cancelSignal, reason);
}

/** Web UI link of an execution's workflow. */
export function evaluatorExecutionUrl(
  ctx: StorageContext & InstanceContext,
  evaluatorUid: number,
  executionUid: number,
): string {
  const t = ctx.config.temporal;
  return workflowUrl(t.uiUrl, t.namespace, evaluatorExecutionWorkflowId(ctx.instanceId, evaluatorUid, executionUid));
}

function workflowHandle(ctx: ServiceContext, e: { evaluatorUid: number; uid: number }) {
  return handleOf(
    ctx,
    'evaluatorExecutionWorkflow',
    evaluatorExecutionWorkflowId(ctx.instanceId, e.evaluatorUid, e.uid),
  );
}
