/**
 * `npm run cli -- <command>`: start, watch, cancel and export evaluations from the shell.
 * Errors are one clear line (exit code 1); results are printed as JSON.
 */
import { Command, InvalidArgumentError } from 'commander';
import { MAX_UID } from './errors';
import { Judgeflow } from './sdk/Judgeflow';
import { runMain } from './run-main';
import { Benchmark } from './sdk/Benchmark';
import { BenchmarkExecution } from './sdk/BenchmarkExecution';
import { CsvExportConfig, JsonExportConfig } from './export/config';
import { PromptEvaluator } from './sdk/PromptEvaluator';
import { recordAbandonedExecutions } from './services/repair';
import { requireExecution } from './services/evaluator-executions';
import { requireWorker } from './services/worker-presence';
import { watchExecution } from './cli/watch';

const uid = (value: string): number => {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n <= 0 || n > MAX_UID)
    throw new InvalidArgumentError(`expected a positive integer uid (at most ${MAX_UID}), got "${value}"`);
  return n;
};
const positiveInt = (value: string): number => {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n <= 0 || n > MAX_UID)
    throw new InvalidArgumentError(`expected a positive integer (at most ${MAX_UID}), got "${value}"`);
  return n;
};
const print = (value: unknown) => {
  console.log(JSON.stringify(value, null, 2));
};

/** Parsed options of each command (commander gives them untyped). */
/** Commands that need a worker check for one first; `--wait` waits for one instead of failing. */
interface WaitOption {
  wait?: boolean;
}
const WAIT_HELP = 'wait for a worker to poll the task queue instead of failing at once';
const needWorker = (jf: Judgeflow, o: WaitOption) =>
  requireWorker(jf, {
    wait: o.wait,
    onWait: (message) => {
      console.error(message);
    },
  });

/**
 * The evaluator of an execution whose workflow is to be queried: the execution must exist, and a worker must poll
 * (queries are answered from a worker's cache; without one a query hangs ~30 s).
 */
async function liveExecution(jf: Judgeflow, evaluatorUid: number, executionUid: number, o: WaitOption) {
  const evaluator = await PromptEvaluator.get(evaluatorUid, jf);
  await requireExecution(jf, evaluatorUid, executionUid);
  await needWorker(jf, o);
  return evaluator;
}

interface ExecuteCliOptions extends WaitOption {
  split: string;
  numRows?: number;
  versionName?: string;
  concurrency?: number;
  sync?: boolean;
}
interface BenchmarkExecuteCliOptions extends WaitOption {
  name?: string;
  splits?: string[];
  numRows?: number;
  sync?: boolean;
}
interface ExportCliOptions extends WaitOption {
  csv?: boolean;
  sep: string;
  quotechar: string;
  escapechar: string;
  connectorConfigUid?: number;
}

async function withClient(fn: (jf: Judgeflow) => Promise<void>): Promise<void> {
  await runMain(
    async () => {
      const jf = await Judgeflow.connect();
      try {
        await fn(jf);
      } finally {
        await jf.close();
      }
    },
    { verbose: program.opts<{ verbose?: boolean }>().verbose ?? false },
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

const program = new Command('judgeflow')
  .description('Durable LLM-as-a-judge evaluation on Temporal')
  .option('--verbose', 'print the stack of an error, not just its message');

program
  .command('execute')
  .description('run a prompt evaluator over a dataset split; prints the execution uid and its Web UI link')
  .argument('<evaluatorUid>', 'prompt evaluator uid', uid)
  .requiredOption('--split <split>', 'dataset split to evaluate on')
  .option('--num-rows <n>', 'only the first n rows of the split', positiveInt)
  .option('--version-name <name>', 'prompt version (default: the latest)')
  .option('--concurrency <n>', 'rows judged at once', positiveInt)
  .option('--sync', 'wait for the end and print the results')
  .option('--wait', WAIT_HELP)
  .action((evaluatorUid: number, o: ExecuteCliOptions) =>
    withClient(async (jf) => {
      const evaluator = await PromptEvaluator.get(evaluatorUid, jf);
      await needWorker(jf, o);
      const executionUid = await evaluator.execute({
        split: o.split,
        numRows: o.numRows,
        versionName: o.versionName,
        concurrency: o.concurrency,
        sync: o.sync,
      });
      console.error(`execution ${executionUid}: ${evaluator.executionUrl(executionUid)}`);
      if (o.sync) {
        const [status, results] = await evaluator.pollExecutionResult(executionUid);
        print({ executionUid, status, results });
      } else {
        print({ executionUid });
      }
    }),
  );

program
  .command('poll')
  .description('status and results so far of an execution')
  .argument('<evaluatorUid>', 'prompt evaluator uid', uid)
  .argument('<executionUid>', 'execution uid', uid)
  .option('--sync', 'wait for the end first')
  .option('--wait', WAIT_HELP)
  .action((evaluatorUid: number, executionUid: number, o: { sync?: boolean } & WaitOption) =>
    withClient(async (jf) => {
      const evaluator = await PromptEvaluator.get(evaluatorUid, jf);
      // The SDK answers `unknown` for an unknown uid, as documented; on the command line that is an error.
      const execution = await requireExecution(jf, evaluatorUid, executionUid);
      if (o.sync && execution.status === 'running') await needWorker(jf, o);
      const [status, results] = await evaluator.pollExecutionResult(executionUid, { sync: o.sync });
      print({ status, results });
    }),
  );

program
  .command('progress')
  .description('live progress of a running execution (workflow query)')
  .argument('<evaluatorUid>', 'prompt evaluator uid', uid)
  .argument('<executionUid>', 'execution uid', uid)
  .option('--wait', WAIT_HELP)
  .action((evaluatorUid: number, executionUid: number, o: WaitOption) =>
    withClient(async (jf) => {
      const evaluator = await liveExecution(jf, evaluatorUid, executionUid, o);
      print(await evaluator.getExecutionProgress(executionUid));
    }),
  );

program
  .command('watch')
  .description(
    'follow an execution until it ends: a live progress bar (plain lines when not a terminal); Ctrl-C detaches',
  )
  .argument('<evaluatorUid>', 'prompt evaluator uid', uid)
  .argument('<executionUid>', 'execution uid', uid)
  .option('--wait', WAIT_HELP)
  .action((evaluatorUid: number, executionUid: number, o: WaitOption) =>
    withClient(async (jf) => {
      const evaluator = await liveExecution(jf, evaluatorUid, executionUid, o);
      // Ctrl-C stops watching, not the execution.
      const detach = new AbortController();
      const onInterrupt = () => {
        detach.abort();
      };
      process.once('SIGINT', onInterrupt);
      try {
        const outcome = await watchExecution(evaluator, executionUid, { signal: detach.signal });
        if (outcome.detached) {
          console.error(
            `detached; execution ${executionUid} keeps running. Re-attach: npx judgeflow watch ${evaluatorUid} ${executionUid}` +
              ` — cancel: npx judgeflow cancel ${evaluatorUid} ${executionUid}`,
          );
          return;
        }
        const p = await evaluator.getExecutionProgress(executionUid).catch(() => undefined);
        print({
          executionUid,
          status: outcome.status,
          done: p?.done,
          errors: p?.errors,
          errorsByKind: p?.errorsByKind,
        });
      } finally {
        process.off('SIGINT', onInterrupt);
      }
    }),
  );

program
  .command('cancel')
  .description('stop an execution; results already written are kept')
  .argument('<evaluatorUid>', 'prompt evaluator uid', uid)
  .argument('<executionUid>', 'execution uid', uid)
  .action((evaluatorUid: number, executionUid: number) =>
    withClient(async (jf) => {
      const evaluator = await PromptEvaluator.get(evaluatorUid, jf);
      await requireExecution(jf, evaluatorUid, executionUid);
      const [status] = await evaluator.pollExecutionResult(executionUid);
      if (status !== 'running') {
        console.error(`execution ${executionUid} already finished: ${status}; nothing to cancel`);
        return;
      }
      await evaluator.cancelExecution(executionUid);
      console.error(`cancellation of execution ${executionUid} requested`);
    }),
  );

program
  .command('executions')
  .description("an evaluator's executions, oldest first")
  .argument('<evaluatorUid>', 'prompt evaluator uid', uid)
  .action((evaluatorUid: number) =>
    withClient(async (jf) => {
      print(await (await PromptEvaluator.get(evaluatorUid, jf)).getExecutions());
    }),
  );

program
  .command('benchmark-execute')
  .description('run every evaluator of a benchmark; prints the benchmark execution')
  .argument('<benchmarkUid>', 'benchmark uid', uid)
  .option('--name <name>', 'name of the execution')
  .option('--splits <splits>', 'comma-separated splits (default: all but test)', (v: string) =>
    v.split(',').map((s) => s.trim()),
  )
  .option('--num-rows <n>', 'only the first n rows of each split', positiveInt)
  .option('--sync', 'wait for the end')
  .option('--wait', WAIT_HELP)
  .action((benchmarkUid: number, o: BenchmarkExecuteCliOptions) =>
    withClient(async (jf) => {
      const benchmark = await Benchmark.get(benchmarkUid, jf);
      await needWorker(jf, o);
      const execution = await benchmark.execute({ name: o.name, splits: o.splits, numRows: o.numRows, sync: o.sync });
      console.error(`benchmark execution ${execution.benchmarkExecutionUid}: ${execution.url}`);
      print(await describeBenchmarkExecution(execution));
    }),
  );

program
  .command('benchmark-executions')
  .description("a benchmark's executions, newest first")
  .argument('<benchmarkUid>', 'benchmark uid', uid)
  .action((benchmarkUid: number) =>
    withClient(async (jf) => {
      const executions = await (await Benchmark.get(benchmarkUid, jf)).listExecutions();
      print(await Promise.all(executions.map(describeBenchmarkExecution)));
    }),
  );

program
  .command('export')
  .description('export a benchmark execution to a local file (JSON by default)')
  .argument('<benchmarkExecutionUid>', 'benchmark execution uid', uid)
  .argument('<filepath>', 'destination path')
  .option('--csv', 'write CSV instead of JSON')
  .option('--sep <char>', 'CSV separator', ',')
  .option('--quotechar <char>', 'CSV quote character', '"')
  .option('--escapechar <char>', 'CSV escape character', '\\')
  .option('--connector-config-uid <uid>', 'credentials for a private bucket', uid)
  .option('--wait', WAIT_HELP)
  .action((benchmarkExecutionUid: number, filepath: string, o: ExportCliOptions) =>
    withClient(async (jf) => {
      const execution = await BenchmarkExecution.get(benchmarkExecutionUid, jf);
      await needWorker(jf, o);
      const config = o.csv
        ? new CsvExportConfig({ sep: o.sep, quotechar: o.quotechar, escapechar: o.escapechar })
        : new JsonExportConfig();
      await execution.export(filepath, { config, connectorConfigUid: o.connectorConfigUid });
      console.error(`exported benchmark execution ${benchmarkExecutionUid} to ${filepath}`);
    }),
  );

program
  .command('repair')
  .description(
    'record as failed the executions whose workflow ended without recording it (e.g. terminated in Temporal)',
  )
  .action(() =>
    withClient(async (jf) => {
      print(await recordAbandonedExecutions(jf));
    }),
  );

await program.parseAsync();
