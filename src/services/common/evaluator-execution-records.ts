/**
 * Recording an evaluator execution: the one place that resolves its prompt version, refuses a model that may
 * not be used and records the rows it covers. Starting one (client side) and planning a benchmark's (worker side)
 * both come here.
 */
import type { Config } from '../../config';
import { insertExecution, splitExtent } from '../../db/execution.repository';
import { listEvaluators, type EvaluatorSummary, type PromptVersionRecord } from '../../db/evaluator.repository';
import type { Queryable } from '../../db/pool';
import type { Budget } from '../../shared/execution-contract';
import type { Sampling } from '../../shared/sampling';
import { EvaluatorNotInBenchmarkError, NoEvaluatorsError, ValidationError, show } from '../../errors';
import { checkModelAllowed } from './execute-options';

/** The evaluator an execution runs. */
export interface EvaluatorRef {
  evaluatorUid: number;
  benchmarkUid: number;
  promptWorkflowUid: number;
}

export interface NewEvaluatorExecution {
  evaluator: EvaluatorRef;
  /** The prompt version it runs, resolved once by the caller. */
  version: PromptVersionRecord;
  datasetUid: number;
  split: string;
  numRows?: number;
  concurrency: number;
  benchmarkExecutionUid?: number;
  budget?: Budget;
  cache?: boolean;
  sampling?: Sampling;
  /** Only these datapoints of the split. */
  xUids?: string[];
}

export interface CreatedEvaluatorExecution {
  executionUid: number;
  promptVersionName: string;
  modelName: string;
  totalRows: number;
}

/**
 * Refuses a model that is not allowed and records the execution with the rows it covers. Returns null (and
 * writes nothing) when the split has no rows in the dataset.
 */
export async function createEvaluatorExecution(
  q: Queryable,
  config: Config,
  e: NewEvaluatorExecution,
): Promise<CreatedEvaluatorExecution | null> {
  const { version } = e;
  checkModelAllowed(config, version.modelName);
  const extent = await splitExtent(q, e.datasetUid, e.split, e.numRows, e.xUids);
  if (extent.totalRows === 0) return null;
  const executionUid = await insertExecution(q, {
    evaluatorUid: e.evaluator.evaluatorUid,
    promptVersionUid: version.uid,
    benchmarkExecutionUid: e.benchmarkExecutionUid,
    split: e.split,
    numRows: e.numRows,
    concurrency: e.concurrency,
    budgetUsd: e.budget?.maxCostUsd,
    budgetTokens: e.budget?.maxTokens,
    cache: e.cache,
    sampling: e.sampling,
    xUids: e.xUids,
    ...extent,
  });
  return { executionUid, promptVersionName: version.name, modelName: version.modelName, totalRows: extent.totalRows };
}

/**
 * The prompt evaluators a benchmark execution runs: those of `evaluatorUids` (in the benchmark's order), or all of
 * them when not given. EvaluatorNotInBenchmarkError for a uid that is not one of them; NoEvaluatorsError for none.
 */
export async function selectPromptEvaluators(
  q: Queryable,
  benchmarkUid: number,
  evaluatorUids?: readonly number[],
): Promise<(EvaluatorSummary & EvaluatorRef)[]> {
  const all = await listPromptEvaluators(q, benchmarkUid);
  if (all.length === 0) throw new NoEvaluatorsError(benchmarkUid);
  if (evaluatorUids === undefined) return all;
  // JavaScript callers can pass anything: check the value, not its declared type.
  const given: unknown = evaluatorUids;
  if (!Array.isArray(given) || given.length === 0)
    throw new ValidationError(`evaluatorUids must be a non-empty array of evaluator uids, got ${show(given)}`);
  for (const uid of given as unknown[])
    if (!all.some((e) => e.evaluatorUid === uid))
      throw new EvaluatorNotInBenchmarkError(
        uid,
        benchmarkUid,
        all.map((e) => e.evaluatorUid),
      );
  return all.filter((e) => evaluatorUids.includes(e.evaluatorUid));
}

/** The prompt evaluators of a benchmark, oldest first: what a benchmark execution runs (code evaluators are not). */
export async function listPromptEvaluators(
  q: Queryable,
  benchmarkUid: number,
): Promise<(EvaluatorSummary & EvaluatorRef)[]> {
  return (await listEvaluators(q, benchmarkUid)).flatMap((e) =>
    e.type === 'prompt' && e.promptWorkflowUid !== null ? [{ ...e, promptWorkflowUid: e.promptWorkflowUid }] : [],
  );
}
