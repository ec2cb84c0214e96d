/** Starting and listing benchmark executions. Benchmark's `execute` and `listExecutions` delegate here. */
import type { Judgeflow } from './client';
import { NoEvaluatorsError, NotFoundError, UnknownSplitError } from '../errors';
import {
  failUnstartedBenchmarkExecution,
  findBenchmarkExecution,
  insertBenchmarkExecution,
  listBenchmarkExecutions,
  type BenchmarkExecutionRecord,
} from '../db/benchmark-execution.repository';
import type { BenchmarkExecutionInput } from '../shared/benchmark-contract';
import { BENCHMARK_UID, KIND } from '../temporal/search-attributes';
import { benchmarkExecutionWorkflowId } from '../temporal/workflow-ids';
import { BenchmarkExecution } from './BenchmarkExecution';
import { startWorkflow } from './start-workflow';
import { countBySplit } from '../db/dataset.repository';
import { checkNumRows, resolveConcurrency } from './execute-options';

export interface BenchmarkExecuteOptions {
  /** Name of the execution; "Execution N" when not given. */
  name?: string;
  /** Splits to run on. Default: every split of the dataset except `test`, which is held out (all splits when
   * `test` is the only one). Datapoints of other splits are exported with missing scores. */
  splits?: string[];
  /** The first `numRows` rows of each split, in dataset order. */
  numRows?: number;
  /** Rows judged at once per evaluator execution. */
  concurrency?: number;
  /** Wait for the end before returning. */
  sync?: boolean;
  /** Test hook: rows per workflow run before continue-as-new. */
  pageSize?: number;
}

/** The split held out by default, as in the reference. */
export const HELD_OUT_SPLIT = 'test';

export async function startBenchmarkExecution(
  jf: Judgeflow,
  benchmarkUid: number,
  options: BenchmarkExecuteOptions = {},
): Promise<BenchmarkExecution> {
  const { numRows } = options;
  checkNumRows(numRows);
  const concurrency = resolveConcurrency(jf, options.concurrency);
  const { rows: benchmark } = await jf.db.query<{ datasetUid: number; evaluators: number }>(
    `SELECT b.dataset_uid AS "datasetUid",
            (SELECT count(*)::int FROM evaluators e WHERE e.benchmark_uid = b.uid AND e.type = 'prompt') AS evaluators
       FROM benchmarks b WHERE b.uid = $1`,
    [benchmarkUid],
  );
  if (!benchmark[0]) throw new NotFoundError('benchmark', benchmarkUid);
  if (benchmark[0].evaluators === 0) throw new NoEvaluatorsError(benchmarkUid);
  const available = Object.keys(await countBySplit(jf.db, benchmark[0].datasetUid));
  const splits = options.splits ?? defaultSplits(available);
  for (const split of splits) if (!available.includes(split)) throw new UnknownSplitError(split, available);
  if (splits.length === 0) throw new UnknownSplitError('(none given)', available);

  const uid = await insertBenchmarkExecution(jf.db, {
    benchmarkUid,
    name: options.name,
    createdBy: jf.config.user,
    splits: [...new Set(splits)],
    numRows,
    concurrency,
  });
  const input: BenchmarkExecutionInput = { benchmarkExecutionUid: uid, pageSize: options.pageSize };
  const handle = await startWorkflow(
    jf,
    {
      workflowType: 'benchmarkExecutionWorkflow',
      workflowId: benchmarkExecutionWorkflowId(benchmarkUid, uid),
      args: [input],
      searchAttributes: [
        { key: BENCHMARK_UID, value: benchmarkUid },
        { key: KIND, value: 'benchmark-execution' },
      ],
      summary:
        `Benchmark ${benchmarkUid}, execution ${uid}: every evaluator on ${splits.map((s) => `"${s}"`).join(', ')}` +
        (numRows ? ` (first ${numRows} rows each)` : ''),
    },
    (reason) => failUnstartedBenchmarkExecution(jf.db, uid, reason),
  );
  if (options.sync) await handle.result().catch(() => {});
  return BenchmarkExecution.fromRecord(jf, (await findBenchmarkExecution(jf.db, uid))!);
}

export function defaultSplits(available: string[]): string[] {
  const runnable = available.filter((s) => s !== HELD_OUT_SPLIT);
  return runnable.length ? runnable : available;
}

/** A benchmark's executions, newest first (so `listExecutions()[0]` is the latest, as in the reference). */
export async function listExecutionsOfBenchmark(jf: Judgeflow, benchmarkUid: number): Promise<BenchmarkExecution[]> {
  return (await listBenchmarkExecutions(jf.db, benchmarkUid)).map((r: BenchmarkExecutionRecord) => BenchmarkExecution.fromRecord(jf, r));
}
