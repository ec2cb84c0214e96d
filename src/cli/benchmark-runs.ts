/** Commands that run a benchmark: `benchmark execute` and `benchmark executions`. */
import type { Command } from 'commander';
import { Benchmark } from '../sdk/Benchmark';
import type { BenchmarkExecution } from '../sdk/BenchmarkExecution';
import type { BenchmarkSummary } from '../metrics/benchmark-summary';
import type { Judgeflow } from '../sdk/Judgeflow';
import { benchmarkExecutionRowCounts } from '../services/client/benchmark-executions';
import { Cli, fields, noun, positiveInt, ratio, table, uid, uids, WAIT_HELP, type WaitOption } from './common';
import { budgetOf, describeBenchmarkEstimate, withSpendOptions, type SpendOptions } from './spend-format';
import { samplingOf, withSamplingOptions, type SamplingOptions } from './sampling-options';
import { statusText } from './status-text';
import { detachOnInterrupt, watchBenchmarkExecution } from './watch';

/** `benchmark execute|executions`. */
export function registerBenchmarkRunCommands(program: Command, cli: Cli): void {
  registerBenchmarkExecuteCommand(program, cli);
  registerBenchmarkExecutionsCommand(program, cli);
}

type BenchmarkExecuteFlags = {
  name?: string;
  splits?: string[];
  numRows?: number;
  evaluator?: number[];
  watch?: boolean;
  sync?: boolean;
  dryRun?: boolean;
} & SpendOptions &
  SamplingOptions &
  WaitOption;

/** `judgeflow benchmark execute` */
function registerBenchmarkExecuteCommand(program: Command, cli: Cli): void {
  withSpendOptions(
    withSamplingOptions(
      noun(program, 'benchmark')
        .command('execute')
        .description(
          'run the prompt evaluators of a benchmark, every one or --evaluator (default splits: all but test)',
        )
        .argument('<benchmarkUid>', 'benchmark uid', uid)
        .option('--name <name>', 'name of the execution')
        .option('--splits <splits>', 'comma-separated splits', (v: string) => v.split(',').map((s) => s.trim()))
        .option('--num-rows <n>', 'only the first n rows of each split', positiveInt)
        .option('--evaluator <uid...>', 'only these of its prompt evaluators (default: every one)', uids),
    ),
    'the whole run (shared by its evaluator executions by rows)',
  )
    .option('--watch', 'follow it with a progress bar until it ends (Ctrl-C detaches)')
    .option('--sync', 'wait for the end')
    .option('--wait', WAIT_HELP)
    .action((benchmarkUid: number, o: BenchmarkExecuteFlags) =>
      cli.run(async (jf) => {
        const b = await Benchmark.get(benchmarkUid, jf);
        if (o.dryRun) {
          const estimate = await b.estimate({
            splits: o.splits,
            numRows: o.numRows,
            evaluatorUids: o.evaluator,
            samples: o.samples,
          });
          cli.output(estimate, () => describeBenchmarkEstimate(estimate));
          return;
        }
        await cli.needWorker(jf, o);
        const x = await b.execute({
          name: o.name,
          splits: o.splits,
          numRows: o.numRows,
          evaluatorUids: o.evaluator,
          sync: o.sync,
          budget: budgetOf(o),
          cache: o.cache,
          ...samplingOf(o),
        });
        cli.note(`benchmark execution ${x.benchmarkExecutionUid} started: ${x.url}`);
        if (o.watch) {
          const outcome = await detachOnInterrupt((signal) => watchBenchmarkExecution(jf, x, { signal }));
          if (outcome.detached) {
            console.error(
              `detached; benchmark execution ${x.benchmarkExecutionUid} keeps running. ` +
                `Report when done: npx judgeflow report ${x.benchmarkExecutionUid}`,
            );
            return;
          }
        }
        const described = await describeBenchmarkExecution(jf, x);
        // Once it has ended (--watch, --sync), how far each evaluator agrees with the ground truth.
        const agreement = described.status === 'running' ? undefined : await agreementOf(b, x);
        cli.output({ ...described, agreement }, () =>
          [
            fields([
              ['benchmark execution', `${x.benchmarkExecutionUid} "${x.name}"`],
              ['status', statusText(described.status, described)],
              ['splits', x.splits.join(', ')],
              ['evaluators', x.evaluatorUids?.join(', ') ?? 'all'],
              ['web UI', x.url],
            ]),
            ...(agreement ? ['agreement with ground truth', describeAgreement(agreement)] : []),
            `  intervals, per label and slice: npx judgeflow benchmark agreement ${x.benchmarkExecutionUid}`,
            `  report: npx judgeflow report ${x.benchmarkExecutionUid}`,
            `  export: npx judgeflow export ${x.benchmarkExecutionUid} results.json`,
          ].join('\n'),
        );
      }),
    );
}

/** `judgeflow benchmark executions` */
function registerBenchmarkExecutionsCommand(program: Command, cli: Cli): void {
  noun(program, 'benchmark')
    .command('executions')
    .description("a benchmark's executions, newest first")
    .argument('<benchmarkUid>', 'benchmark uid', uid)
    .action((benchmarkUid: number) =>
      cli.run(async (jf) => {
        const all = await Promise.all(
          (await (await Benchmark.get(benchmarkUid, jf)).listExecutions()).map((x) =>
            describeBenchmarkExecution(jf, x),
          ),
        );
        cli.output(all, () =>
          table(
            ['uid', 'name', 'status', 'splits', 'created by', 'created'],
            all.map((x) => [
              x.benchmarkExecutionUid,
              x.name,
              statusText(x.status, x),
              x.splits.join(', '),
              x.createdBy,
              x.createdAt.toISOString(),
            ]),
          ),
        );
      }),
    );
}

/**
 * A benchmark execution as plain data (the SDK object also holds its client, which is not printable), with the rows
 * its evaluator executions finished and how many are row errors.
 */
async function describeBenchmarkExecution(jf: Judgeflow, e: BenchmarkExecution) {
  const { benchmarkUid, benchmarkExecutionUid, name, createdAt, createdBy, splits, numRows, evaluatorUids, url } = e;
  return {
    benchmarkUid,
    benchmarkExecutionUid,
    name,
    createdAt,
    createdBy,
    splits,
    numRows,
    evaluatorUids,
    url,
    status: await e.status(),
    ...(await benchmarkExecutionRowCounts(jf, benchmarkExecutionUid)),
  };
}

/** Each evaluator's agreement with the ground truth, from the summary recorded at the execution's end. */
async function agreementOf(b: Benchmark, x: BenchmarkExecution) {
  const summary = (await x.summary()) as BenchmarkSummary | null;
  if (!summary) return undefined;
  const names = new Map((await b.evaluators()).map((e) => [e.evaluatorUid, e.name]));
  return summary.evaluators.map(({ evaluatorUid, overall: o }) => ({
    evaluatorUid,
    name: names.get(evaluatorUid) ?? null,
    accuracy: o.accuracy,
    kappa: o.kappa,
    compared: o.compared,
    total: o.total,
    errors: o.errors,
  }));
}

function describeAgreement(rows: NonNullable<Awaited<ReturnType<typeof agreementOf>>>): string {
  return table(
    ['evaluator', 'name', 'accuracy', 'kappa', 'compared', 'errors'],
    rows.map((r) => [r.evaluatorUid, r.name, ratio(r.accuracy), ratio(r.kappa), `${r.compared}/${r.total}`, r.errors]),
  );
}
