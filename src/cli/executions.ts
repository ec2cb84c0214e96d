/**
 * Commands that run and follow work: `evaluator execute|executions`, `execution
 * status|results|progress|cancel|watch <uid>`, `benchmark execute|executions`.
 */
import type { Command } from 'commander';
import { Benchmark } from '../sdk/Benchmark';
import { BenchmarkExecution } from '../sdk/BenchmarkExecution';
import type { Judgeflow } from '../sdk/Judgeflow';
import { PromptEvaluator } from '../sdk/PromptEvaluator';
import { requireEvaluatorExecution } from '../services/evaluator-executions';
import type { ExecutionResults } from '../services/evaluator-executions';
import { Cli, fields, noun, positiveInt, shorten, table, uid, WAIT_HELP, type WaitOption } from './common';
import { detachOnInterrupt, watchBenchmarkExecution, watchExecution } from './watch';

/** The evaluator of an execution given by its uid alone. */
async function executionEvaluator(jf: Judgeflow, executionUid: number) {
  const execution = await requireEvaluatorExecution(jf, executionUid);
  return { execution, evaluator: await PromptEvaluator.get(execution.evaluatorUid, jf) };
}

function resultsTable(results: ExecutionResults): string {
  return table(
    ['x_uid', 'score', 'rationale / error'],
    Object.entries(results).map(([xUid, r]) => [
      xUid,
      r.score,
      r.error !== undefined ? `[${r.errorKind ?? 'error'}] ${shorten(r.error)}` : shorten(r.rationale),
    ]),
  );
}

export function registerExecutionCommands(program: Command, cli: Cli): void {
  const evaluator = noun(program, 'evaluator', 'create, update, list and run prompt evaluators');
  evaluator
    .command('execute')
    .description('run a prompt evaluator over a dataset split; prints the execution uid and its Web UI link')
    .argument('<evaluatorUid>', 'prompt evaluator uid', uid)
    .requiredOption('--split <split>', 'dataset split to evaluate on')
    .option('--num-rows <n>', 'only the first n rows of the split', positiveInt)
    .option('--version <name>', 'prompt version (default: the latest)')
    .option('--concurrency <n>', 'rows judged at once', positiveInt)
    .option('--watch', 'follow it with a progress bar until it ends (Ctrl-C detaches)')
    .option('--sync', 'wait for the end and print the results')
    .option('--wait', WAIT_HELP)
    .action(
      (
        evaluatorUid: number,
        o: {
          split: string;
          numRows?: number;
          version?: string;
          concurrency?: number;
          watch?: boolean;
          sync?: boolean;
        } & WaitOption,
      ) =>
        cli.run(async (jf) => {
          const e = await PromptEvaluator.get(evaluatorUid, jf);
          await cli.needWorker(jf, o);
          const executionUid = await e.execute({
            split: o.split,
            numRows: o.numRows,
            versionName: o.version,
            concurrency: o.concurrency,
          });
          cli.note(`execution ${executionUid} started: ${e.executionUrl(executionUid)}`);
          if (o.watch) {
            await follow(cli, e, executionUid, true);
            return;
          }
          if (o.sync) {
            const [status, results] = await e.pollExecutionResult(executionUid, { sync: true });
            cli.output({ executionUid, status, results }, () => `status: ${status}\n${resultsTable(results)}`);
            return;
          }
          cli.output({ executionUid, url: e.executionUrl(executionUid) }, () =>
            [
              `execution ${executionUid}`,
              `  watch:   npx judgeflow execution watch ${executionUid}`,
              `  results: npx judgeflow execution results ${executionUid}`,
            ].join('\n'),
          );
        }),
    );
  evaluator
    .command('executions')
    .description("an evaluator's executions, oldest first")
    .argument('<evaluatorUid>', 'prompt evaluator uid', uid)
    .action((evaluatorUid: number) =>
      cli.run(async (jf) => {
        const all = await (await PromptEvaluator.get(evaluatorUid, jf)).getExecutions();
        cli.output(all, () =>
          table(
            ['uid', 'version', 'status', 'created'],
            all.map((x) => [x.executionUid, x.promptVersionName, x.status, x.createdAt.toISOString()]),
          ),
        );
      }),
    );

  const execution = noun(program, 'execution', 'follow, read and cancel one evaluator execution');
  execution
    .command('status')
    .description('status and counts of an execution')
    .argument('<executionUid>', 'execution uid', uid)
    .action((executionUid: number) =>
      cli.run(async (jf) => {
        const { execution: x, evaluator: e } = await executionEvaluator(jf, executionUid);
        const [status, results] = await e.pollExecutionResult(executionUid);
        const rows = Object.values(results);
        const errors = rows.filter((r) => r.error !== undefined).length;
        const value = {
          executionUid,
          evaluatorUid: x.evaluatorUid,
          status,
          split: x.split,
          versionName: x.promptVersionName,
          total: x.totalRows,
          done: rows.length,
          errors,
          error: x.error,
          url: e.executionUrl(executionUid),
        };
        cli.output(value, () =>
          fields([
            ['execution', `${executionUid} of evaluator ${x.evaluatorUid} (${e.name})`],
            ['status', status],
            ['split', x.split],
            ['version', x.promptVersionName],
            ['rows', `${rows.length}/${x.totalRows} done, ${errors} errors`],
            ...(x.error ? ([['error', x.error]] as [string, unknown][]) : []),
            ['web UI', value.url],
          ]),
        );
      }),
    );
  execution
    .command('results')
    .description('results so far: score and rationale (or the row error) per datapoint')
    .argument('<executionUid>', 'execution uid', uid)
    .option('--sync', 'wait for the end first')
    .option('--wait', WAIT_HELP)
    .action((executionUid: number, o: { sync?: boolean } & WaitOption) =>
      cli.run(async (jf) => {
        const { execution: x, evaluator: e } = await executionEvaluator(jf, executionUid);
        if (o.sync && x.status === 'running') await cli.needWorker(jf, o);
        const [status, results] = await e.pollExecutionResult(executionUid, { sync: o.sync });
        cli.output({ executionUid, status, results }, () => `status: ${status}\n${resultsTable(results)}`);
      }),
    );
  execution
    .command('progress')
    .description('live progress of an execution (its workflow answers a query)')
    .argument('<executionUid>', 'execution uid', uid)
    .option('--wait', WAIT_HELP)
    .action((executionUid: number, o: WaitOption) =>
      cli.run(async (jf) => {
        const { evaluator: e } = await executionEvaluator(jf, executionUid);
        await cli.needWorker(jf, o);
        const p = await e.getExecutionProgress(executionUid);
        cli.output(p, () =>
          fields([
            ['execution', executionUid],
            ['status', p.status],
            ['rows', `${p.done}/${p.total} done, ${p.errors} errors, ${p.inFlight} in flight`],
            [
              'errors by kind',
              Object.entries(p.errorsByKind)
                .map(([k, n]) => `${k} ${n}`)
                .join(', ') || 'none',
            ],
            ['concurrency', `${p.concurrency.effective} of ${p.concurrency.max}`],
            ['rate-limited', `${p.rateLimited} calls`],
            [
              'scores',
              Object.entries(p.histogram)
                .map(([s, n]) => `${s}: ${n}`)
                .join(', ') || '-',
            ],
          ]),
        );
      }),
    );
  execution
    .command('watch')
    .description(
      'follow an execution until it ends: a live progress bar (plain lines when not a terminal); Ctrl-C detaches',
    )
    .argument('<executionUid>', 'execution uid', uid)
    .option('--wait', WAIT_HELP)
    .action((executionUid: number, o: WaitOption) =>
      cli.run(async (jf) => {
        const { execution: x, evaluator: e } = await executionEvaluator(jf, executionUid);
        // An execution that has ended has nothing to watch (and Temporal may have dropped its workflow).
        if (x.status === 'running') await cli.needWorker(jf, o);
        await follow(cli, e, executionUid, x.status === 'running');
      }),
    );
  execution
    .command('cancel')
    .description('stop an execution; results already written are kept')
    .argument('<executionUid>', 'execution uid', uid)
    .action((executionUid: number) =>
      cli.run(async (jf) => {
        const { evaluator: e } = await executionEvaluator(jf, executionUid);
        const [status] = await e.pollExecutionResult(executionUid);
        if (status !== 'running') {
          cli.output(
            { executionUid, status, cancelled: false },
            () => `execution ${executionUid} already finished: ${status}; nothing to cancel`,
          );
          return;
        }
        await e.cancelExecution(executionUid);
        cli.output(
          { executionUid, status, cancelled: true },
          () => `cancellation of execution ${executionUid} requested`,
        );
      }),
    );

  const benchmark = noun(program, 'benchmark', 'create, list, show and run benchmarks');
  benchmark
    .command('execute')
    .description('run every prompt evaluator of a benchmark (default splits: all but test)')
    .argument('<benchmarkUid>', 'benchmark uid', uid)
    .option('--name <name>', 'name of the execution')
    .option('--splits <splits>', 'comma-separated splits', (v: string) => v.split(',').map((s) => s.trim()))
    .option('--num-rows <n>', 'only the first n rows of each split', positiveInt)
    .option('--watch', 'follow it with a progress bar until it ends (Ctrl-C detaches)')
    .option('--sync', 'wait for the end')
    .option('--wait', WAIT_HELP)
    .action(
      (
        benchmarkUid: number,
        o: { name?: string; splits?: string[]; numRows?: number; watch?: boolean; sync?: boolean } & WaitOption,
      ) =>
        cli.run(async (jf) => {
          const b = await Benchmark.get(benchmarkUid, jf);
          await cli.needWorker(jf, o);
          const x = await b.execute({ name: o.name, splits: o.splits, numRows: o.numRows, sync: o.sync });
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
          const described = await describeBenchmarkExecution(x);
          cli.output(described, () =>
            [
              fields([
                ['benchmark execution', `${x.benchmarkExecutionUid} "${x.name}"`],
                ['status', described.status],
                ['splits', x.splits.join(', ')],
                ['web UI', x.url],
              ]),
              `  report: npx judgeflow report ${x.benchmarkExecutionUid}`,
              `  export: npx judgeflow export ${x.benchmarkExecutionUid} results.json`,
            ].join('\n'),
          );
        }),
    );
  benchmark
    .command('executions')
    .description("a benchmark's executions, newest first")
    .argument('<benchmarkUid>', 'benchmark uid', uid)
    .action((benchmarkUid: number) =>
      cli.run(async (jf) => {
        const all = await Promise.all(
          (await (await Benchmark.get(benchmarkUid, jf)).listExecutions()).map(describeBenchmarkExecution),
        );
        cli.output(all, () =>
          table(
            ['uid', 'name', 'status', 'splits', 'created by', 'created'],
            all.map((x) => [
              x.benchmarkExecutionUid,
              x.name,
              x.status,
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
 * Watches a running execution (Ctrl-C detaches), then prints its end: the recorded status and counts from PostgreSQL,
 * so an execution that ended long ago (whose workflow Temporal may have dropped) prints the same way.
 */
async function follow(cli: Cli, e: PromptEvaluator, executionUid: number, running: boolean): Promise<void> {
  if (running) {
    const outcome = await detachOnInterrupt((signal) => watchExecution(e, executionUid, { signal }));
    if (outcome.detached) {
      console.error(
        `detached; execution ${executionUid} keeps running. Re-attach: npx judgeflow execution watch ${executionUid}` +
          ` — cancel: npx judgeflow execution cancel ${executionUid}`,
      );
      return;
    }
  }
  const [status, results] = await e.pollExecutionResult(executionUid);
  const rows = Object.values(results);
  const errorsByKind: Record<string, number> = {};
  for (const r of rows)
    if (r.error !== undefined)
      errorsByKind[r.errorKind ?? 'provider'] = (errorsByKind[r.errorKind ?? 'provider'] ?? 0) + 1;
  const errors = Object.values(errorsByKind).reduce((a, n) => a + n, 0);
  cli.output(
    { executionUid, status, done: rows.length, errors, errorsByKind },
    () =>
      `execution ${executionUid} ${status}: ${rows.length} rows, ${errors} errors` +
      `\n  results: npx judgeflow execution results ${executionUid}`,
  );
}

/** A benchmark execution as plain data (the SDK object also holds its client, which is not printable). */
async function describeBenchmarkExecution(e: BenchmarkExecution) {
  const { benchmarkUid, benchmarkExecutionUid, name, createdAt, createdBy, splits, numRows, url } = e;
  return {
    benchmarkUid,
    benchmarkExecutionUid,
    name,
    createdAt,
    createdBy,
    splits,
    numRows,
    url,
    status: await e.status(),
  };
}
