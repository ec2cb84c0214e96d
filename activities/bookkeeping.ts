/**
 * Small activities around executions: an evaluator execution's plan, pages of datapoint ids, row errors and final
 * status; a benchmark execution's evaluator executions and end. The logic lives in services/ and db/.
 */
import { ApplicationFailure } from '@temporalio/common';
import { datapointPage, findExecution, finishExecution, upsertResult } from '../src/db/execution.repository';
import type { StorageContext } from '../src/services/context';
import { estimateExecutionRow } from '../src/services/estimates';
import { concurrencyCeiling, effectiveConcurrency } from '../src/services/execute-options';
import { finishBenchmarkExecution, planBenchmarkExecution } from '../src/services/benchmark-executions';
import type { BenchmarkChild } from '../src/shared/benchmark-contract';
import {
  ROW_MAX_ATTEMPTS,
  type DatapointPage,
  type ExecutionPlan,
  type RowErrorRecord,
  type StoredExecutionStatus,
} from '../src/shared/execution-contract';
import { failFastOnDomainErrors } from './fatal-errors';

export function createBookkeeping(ctx: StorageContext) {
  const { db } = ctx;
  const saveRowErrors = async (executionUid: number, errors: RowErrorRecord[]) => {
    for (const e of errors) await upsertResult(db, { executionUid, ...e, attempts: ROW_MAX_ATTEMPTS });
  };
  return {
    async loadExecutionPlan({
      executionUid,
      withRowEstimate = true,
    }: {
      executionUid: number;
      withRowEstimate?: boolean;
    }): Promise<ExecutionPlan> {
      const execution = await findExecution(db, executionUid);
      if (!execution) {
        throw ApplicationFailure.nonRetryable(
          `evaluator execution ${executionUid} does not exist in PostgreSQL`,
          'NotFound',
        );
      }
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
    },

    async listDatapointPage(p: { executionUid: number; afterPosition: number; limit: number }): Promise<DatapointPage> {
      return datapointPage(db, p.executionUid, p.afterPosition, p.limit);
    },

    /** Rows whose activity failed for good (retries used up) keep an error instead of a score. Idempotent. */
    async recordRowErrors(p: { executionUid: number; errors: RowErrorRecord[] }): Promise<void> {
      await saveRowErrors(p.executionUid, p.errors);
    },

    /** One row error, for executions that started before recordRowErrors (ROW_ERRORS_AT_RUN_END_PATCH). */
    async recordRowError({ executionUid, ...error }: { executionUid: number } & RowErrorRecord): Promise<void> {
      await saveRowErrors(executionUid, [error]);
    },

    async finishExecution(p: { executionUid: number; status: StoredExecutionStatus; error?: string }): Promise<void> {
      await finishExecution(db, p.executionUid, p.status, p.error);
    },

    /** Idempotent: a retry returns the evaluator executions the first try made. */
    async planBenchmarkExecution({
      benchmarkExecutionUid,
    }: {
      benchmarkExecutionUid: number;
    }): Promise<BenchmarkChild[]> {
      return failFastOnDomainErrors(() => planBenchmarkExecution(ctx, benchmarkExecutionUid));
    },

    async finishBenchmarkExecution(p: {
      benchmarkExecutionUid: number;
      status: StoredExecutionStatus;
      error?: string;
    }): Promise<void> {
      await finishBenchmarkExecution(ctx, p);
    },
  };
}
