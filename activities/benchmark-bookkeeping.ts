/** Activities of a benchmark execution: create its evaluator executions, then record its end with a summary. */
import type { Db } from '../src/db/pool';
import {
  ensureBenchmarkChildren,
  finishBenchmarkExecution,
} from '../src/db/benchmark-execution.repository';
import { summarizeBenchmarkExecution } from '../src/metrics/benchmark-summary';
import type { BenchmarkChild } from '../src/shared/benchmark-contract';
import type { StoredExecutionStatus } from '../src/shared/execution-contract';

export function createBenchmarkBookkeeping(db: Db) {
  return {
    /** Idempotent: one transaction, under a row lock, so a retry returns the executions the first try made. */
    async planBenchmarkExecution({ benchmarkExecutionUid }: { benchmarkExecutionUid: number }): Promise<BenchmarkChild[]> {
      return db.withTransaction(async (client) => {
        await client.query(`SELECT 1 FROM benchmark_executions WHERE uid = $1 FOR UPDATE`, [benchmarkExecutionUid]);
        return ensureBenchmarkChildren(client, benchmarkExecutionUid);
      });
    },

    async finishBenchmarkExecution(p: { benchmarkExecutionUid: number; status: StoredExecutionStatus; error?: string }): Promise<void> {
      const summary = await summarizeBenchmarkExecution(db, p.benchmarkExecutionUid);
      await finishBenchmarkExecution(db, p.benchmarkExecutionUid, p.status, p.error, summary);
    },
  };
}
