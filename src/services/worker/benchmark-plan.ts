/** The worker-side step that plans a benchmark execution: one evaluator execution per prompt evaluator and split. */
import { NotFoundError } from '../../errors';
import {
  findBenchmarkExecution,
  listBenchmarkChildren,
  lockBenchmarkExecution,
} from '../../db/benchmark-execution.repository';
import { findBenchmark } from '../../db/benchmark.repository';
import { setExecutionBudget } from '../../db/execution.repository';
import type { Queryable } from '../../db/pool';
import type { BenchmarkChild } from '../../shared/benchmark-contract';
import type { StorageContext } from '../common/context';
import { createEvaluatorExecution, listPromptEvaluators } from '../common/evaluator-execution-records';
import { resolvePromptVersion } from '../common/prompt-versions';

/**
 * The evaluator executions of a benchmark execution, created on first call (one per prompt evaluator it runs and split,
 * with each evaluator's latest prompt version) in one transaction under a row lock; later calls return the same
 * ones, so a retried activity is safe.
 */
export async function planBenchmarkExecution(
  ctx: StorageContext,
  benchmarkExecutionUid: number,
): Promise<BenchmarkChild[]> {
  return ctx.db.withTransaction(async (tx) => {
    await lockBenchmarkExecution(tx, benchmarkExecutionUid);
    const existing = await listBenchmarkChildren(tx, benchmarkExecutionUid);
    if (existing.length) return existing;
    const be = await findBenchmarkExecution(tx, benchmarkExecutionUid);
    if (!be) throw new NotFoundError('benchmark execution', benchmarkExecutionUid);
    const benchmark = await findBenchmark(tx, be.benchmarkUid);
    if (!benchmark) throw new NotFoundError('benchmark', be.benchmarkUid);
    const children: BenchmarkChild[] = [];
    // The subset was checked where the execution started; an evaluator is never removed from its benchmark.
    const evaluators = (await listPromptEvaluators(tx, be.benchmarkUid)).filter(
      (e) => be.evaluatorUids === null || be.evaluatorUids.includes(e.evaluatorUid),
    );
    for (const evaluator of evaluators) {
      const version = await resolvePromptVersion(tx, evaluator.promptWorkflowUid);
      for (const split of be.splits) {
        const created = await createEvaluatorExecution(tx, ctx.config, {
          evaluator,
          version,
          datasetUid: benchmark.datasetUid,
          split,
          numRows: be.numRows ?? undefined,
          concurrency: be.concurrency,
          benchmarkExecutionUid,
          cache: be.cache,
          sampling: {
            samples: be.samples,
            aggregation: be.aggregation,
            scoring: be.scoring,
            scoringFallback: be.scoringFallback,
            labelOrder: be.labelOrder,
          },
        });
        if (!created) continue;
        const { executionUid, totalRows } = created;
        children.push({
          evaluatorUid: evaluator.evaluatorUid,
          benchmarkUid: be.benchmarkUid,
          executionUid,
          split,
          totalRows,
        });
      }
    }
    await shareBudget(tx, be, children);
    return children;
  });
}

/** The run's budget, shared in proportion to rows (each child pauses on its own share). */
async function shareBudget(
  tx: Queryable,
  be: { budgetUsd: number | null; budgetTokens: number | null },
  children: BenchmarkChild[],
): Promise<void> {
  const rows = children.reduce((n, c) => n + c.totalRows, 0);
  if (rows === 0 || (be.budgetUsd === null && be.budgetTokens === null)) return;
  for (const c of children)
    await setExecutionBudget(tx, c.executionUid, {
      maxCostUsd: be.budgetUsd === null ? undefined : (be.budgetUsd * c.totalRows) / rows,
      maxTokens: be.budgetTokens === null ? undefined : Math.floor((be.budgetTokens * c.totalRows) / rows),
    });
}
