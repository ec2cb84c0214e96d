/** The worker-side step that plans one run of an evaluator execution: its size, concurrency, budget and row estimate. */
import { NotFoundError } from '../../errors';
import { findBenchmark } from '../../db/benchmark.repository';
import { findCriteria } from '../../db/criteria.repository';
import { findExecution, type ExecutionRecord } from '../../db/execution.repository';
import { findEvaluator } from '../../db/evaluator.repository';
import { roughTokenCounter } from '../../llm/tokens';
import type { ExecutionPlan } from '../../shared/execution-contract';
import type { StorageContext } from '../common/context';
import { concurrencyCeiling, effectiveConcurrency, promptsPerRow } from '../common/execute-options';
import { resolvePromptVersion } from '../common/prompt-versions';
import { estimateRows } from '../common/row-estimates';

/** Rows the plan of an execution counts for its per-row estimate: enough for a mean, cheap at start. */
const PLAN_SAMPLE_ROWS = 50;

/**
 * The plan of a recorded execution. `withRowEstimate`: also the expected spend of one row, which the budget
 * stage needs until a row has paid (then the mean of paid rows serves).
 */
export async function loadExecutionPlan(
  ctx: StorageContext,
  executionUid: number,
  withRowEstimate: boolean,
): Promise<ExecutionPlan> {
  const execution = await findExecution(ctx.db, executionUid);
  if (!execution) throw new NotFoundError('evaluator execution', executionUid);
  const budget = {
    ...(execution.budgetUsd !== null && { maxCostUsd: execution.budgetUsd }),
    ...(execution.budgetTokens !== null && { maxTokens: execution.budgetTokens }),
  };
  return {
    total: execution.totalRows,
    // The model's maxConcurrency (JUDGEFLOW_MODELS on the worker) caps what the execution asked for.
    concurrency: effectiveConcurrency(ctx.config, execution),
    maxConcurrency: concurrencyCeiling(ctx.config, execution),
    budget,
    // Without a budget the guess is rough: a worker then loads no tokenizer (about 70 MiB and 0.2–0.5 s).
    ...(withRowEstimate && {
      rowEstimate: await estimateExecutionRow(ctx, execution, { rough: Object.keys(budget).length === 0 }),
    }),
  };
}

/**
 * A recorded execution's expected spend per row, from its first rows: the budget stage's guess before any row paid.
 * `rough` counts about four characters a token instead of loading the model's tokenizer (for an execution with no
 * budget yet, where the guess serves only a budget set before its first row has paid).
 */
async function estimateExecutionRow(
  ctx: StorageContext,
  execution: ExecutionRecord,
  { rough }: { rough: boolean },
): Promise<{ tokens: number; costUsd: number | null }> {
  const evaluator = (await findEvaluator(ctx.db, execution.evaluatorUid))!;
  const benchmark = (await findBenchmark(ctx.db, evaluator.benchmarkUid))!;
  const version = await resolvePromptVersion(ctx.db, evaluator.promptWorkflowUid!, execution.promptVersionName);
  const criteria = (await findCriteria(ctx.db, evaluator.criteriaUid))!;
  const estimate = await estimateRows(ctx.db, ctx.config.spend.prices, {
    datasetUid: benchmark.datasetUid,
    split: execution.split,
    rows: Math.min(execution.totalRows, PLAN_SAMPLE_ROWS),
    version,
    criteria,
    ...(rough && { counter: roughTokenCounter() }),
    sampling: {
      samples: execution.samples,
      promptsPerRow: promptsPerRow(ctx.config, version.modelName, execution.samples),
    },
  });
  return estimate.perRow;
}
