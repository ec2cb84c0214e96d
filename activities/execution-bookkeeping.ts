/** Small activities around an execution's rows: its plan, pages of datapoint ids, row errors, the final status. */
import type { Db } from '../src/db/pool';
import { datapointPage, findExecution, finishExecution, upsertResult } from '../src/db/execution.repository';
import { ROW_MAX_ATTEMPTS, type DatapointPage, type ExecutionPlan, type StoredExecutionStatus } from '../src/shared/execution-contract';
import { ApplicationFailure } from '@temporalio/common';

export function createExecutionBookkeeping(db: Db) {
  return {
    async loadExecutionPlan({ executionUid }: { executionUid: number }): Promise<ExecutionPlan> {
      const execution = await findExecution(db, executionUid);
      if (!execution) {
        throw ApplicationFailure.nonRetryable(`evaluator execution ${executionUid} does not exist in PostgreSQL`, 'NotFound');
      }
      return { total: execution.totalRows, concurrency: execution.concurrency };
    },

    async listDatapointPage(p: { executionUid: number; afterPosition: number; limit: number }): Promise<DatapointPage> {
      return datapointPage(db, p.executionUid, p.afterPosition, p.limit);
    },

    /** A row whose activity failed for good (retries used up) keeps an error instead of a score. */
    async recordRowError(p: { executionUid: number; xUid: string; error: string }): Promise<void> {
      await upsertResult(db, { executionUid: p.executionUid, xUid: p.xUid, error: p.error, attempts: ROW_MAX_ATTEMPTS });
    },

    async finishExecution(p: { executionUid: number; status: StoredExecutionStatus; error?: string }): Promise<void> {
      await finishExecution(db, p.executionUid, p.status, p.error);
    },
  };
}
