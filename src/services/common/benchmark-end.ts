/** Recording the end of a benchmark execution: where its workflow ends, and by the explicit repair step. */
import { finishBenchmarkExecution } from '../../db/benchmark-execution.repository';
import { closeUnfinishedExecutions } from '../../db/execution.repository';
import type { RecordedEnd } from '../../shared/activity-contract';
import { summarizeBenchmarkExecution } from './benchmark-summary';
import type { StorageContext } from './context';

/**
 * Records the end of a benchmark execution with its agreement summary. Evaluator executions that never recorded
 * their own end (never started, or terminated) are closed here too, where the benchmark workflow ends.
 */
export async function recordBenchmarkExecutionEnd(
  ctx: StorageContext,
  p: { benchmarkExecutionUid: number } & RecordedEnd,
): Promise<void> {
  const unfinished = p.status === 'cancelled' ? 'cancelled' : 'failed';
  await closeUnfinishedExecutions(
    ctx.db,
    p.benchmarkExecutionUid,
    unfinished,
    `ended with benchmark execution ${p.benchmarkExecutionUid} (${p.status}) without recording a result`,
  );
  const summary = await summarizeBenchmarkExecution(ctx.db, p.benchmarkExecutionUid);
  await finishBenchmarkExecution(ctx.db, p.benchmarkExecutionUid, p.status, p.error, summary);
}
