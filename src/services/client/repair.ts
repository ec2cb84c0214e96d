/**
 * The explicit repair step for executions whose workflow closed without recording its end (terminated or timed
 * out in Temporal): reads never write, so this is where such an end is stored. Run by `npm run cli -- repair`.
 */
import { listRunningBenchmarkExecutions } from '../../db/benchmark-execution.repository';
import { finishExecution, listRunningExecutions } from '../../db/execution.repository';
import { recordBenchmarkExecutionEnd } from '../common/benchmark-end';
import { benchmarkExecutionStatus } from './benchmark-executions';
import type { ServiceContext } from './context';
import { evaluatorExecutionStatus } from './evaluator-executions';

export interface RepairReport {
  evaluatorExecutions: number[];
  benchmarkExecutions: number[];
}

/** Records `failed` (with the reason) for every execution PostgreSQL holds as running whose workflow has closed. */
export async function recordAbandonedExecutions(ctx: ServiceContext): Promise<RepairReport> {
  const report: RepairReport = { evaluatorExecutions: [], benchmarkExecutions: [] };
  for (const execution of await listRunningExecutions(ctx.db)) {
    const { status, reason } = await evaluatorExecutionStatus(ctx, execution);
    if (status !== 'failed') continue;
    await finishExecution(ctx.db, execution.uid, 'failed', reason);
    report.evaluatorExecutions.push(execution.uid);
  }
  for (const execution of await listRunningBenchmarkExecutions(ctx.db)) {
    const { status, reason } = await benchmarkExecutionStatus(ctx, execution.uid);
    if (status !== 'failed') continue;
    await recordBenchmarkExecutionEnd(ctx, { benchmarkExecutionUid: execution.uid, status: 'failed', error: reason });
    report.benchmarkExecutions.push(execution.uid);
  }
  return report;
}
