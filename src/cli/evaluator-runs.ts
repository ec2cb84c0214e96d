/** Commands that run a prompt evaluator: `evaluator execute` and `evaluator executions`. */
import type { Command } from 'commander';
import { PromptEvaluator } from '../sdk/PromptEvaluator';
import { Cli, noun, positiveInt, table, uid, WAIT_HELP, type WaitOption } from './common';
import { follow, groundTruthOf, resultsTable } from './execution-views';
import { budgetOf, describeEstimate, withSpendOptions, type SpendOptions } from './spend-format';
import { samplingOf, withSamplingOptions, type SamplingOptions } from './sampling-options';
import { rowCountsOf, statusText } from './status-text';

/** `evaluator execute|executions`. */
export function registerEvaluatorRunCommands(program: Command, cli: Cli): void {
  registerEvaluatorExecuteCommand(program, cli);
  registerEvaluatorExecutionsCommand(program, cli);
}

type EvaluatorExecuteFlags = {
  split: string;
  numRows?: number;
  version?: string;
  concurrency?: number;
  watch?: boolean;
  sync?: boolean;
  dryRun?: boolean;
} & SpendOptions &
  SamplingOptions &
  WaitOption;

/** `judgeflow evaluator execute` */
function registerEvaluatorExecuteCommand(program: Command, cli: Cli): void {
  withSpendOptions(
    withSamplingOptions(
      noun(program, 'evaluator')
        .command('execute')
        .description('run a prompt evaluator over a dataset split; prints the execution uid and its Web UI link')
        .argument('<evaluatorUid>', 'prompt evaluator uid', uid)
        .requiredOption('--split <split>', 'dataset split to evaluate on')
        .option('--num-rows <n>', 'only the first n rows of the split', positiveInt)
        .option('--version <name>', 'prompt version (default: the latest)')
        .option('--concurrency <n>', 'rows judged at once', positiveInt),
    ),
    'the execution',
  )
    .option('--watch', 'follow it with a progress bar until it ends (Ctrl-C detaches)')
    .option('--sync', 'wait for the end and print the results')
    .option('--wait', WAIT_HELP)
    .action((evaluatorUid: number, o: EvaluatorExecuteFlags) =>
      cli.run(async (jf) => {
        const e = await PromptEvaluator.get(evaluatorUid, jf);
        if (o.dryRun) {
          const estimate = await e.estimate({
            split: o.split,
            numRows: o.numRows,
            versionName: o.version,
            concurrency: o.concurrency,
            samples: o.samples,
          });
          cli.output(estimate, () => describeEstimate(estimate));
          return;
        }
        await cli.needWorker(jf, o);
        const executionUid = await e.execute({
          split: o.split,
          numRows: o.numRows,
          versionName: o.version,
          concurrency: o.concurrency,
          budget: budgetOf(o),
          cache: o.cache,
          ...samplingOf(o),
        });
        cli.note(`execution ${executionUid} started: ${e.executionUrl(executionUid)}`);
        if (o.watch) {
          await follow(cli, e, executionUid, true);
          return;
        }
        if (o.sync) {
          const [status, results] = await e.pollExecutionResult(executionUid, { sync: true });
          const truth = cli.globals.json ? {} : await groundTruthOf(jf, e);
          cli.output(
            { executionUid, status, results },
            () => `status: ${statusText(status, rowCountsOf(results))}
${resultsTable(results, truth)}`,
          );
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
}

/** `judgeflow evaluator executions` */
function registerEvaluatorExecutionsCommand(program: Command, cli: Cli): void {
  noun(program, 'evaluator')
    .command('executions')
    .description("an evaluator's executions, oldest first")
    .argument('<evaluatorUid>', 'prompt evaluator uid', uid)
    .action((evaluatorUid: number) =>
      cli.run(async (jf) => {
        const all = await (await PromptEvaluator.get(evaluatorUid, jf)).getExecutions();
        cli.output(all, () =>
          table(
            ['uid', 'version', 'split', 'status', 'created'],
            all.map((x) => [
              x.executionUid,
              x.promptVersionName,
              x.split,
              statusText(x.status, x),
              x.createdAt.toISOString(),
            ]),
          ),
        );
      }),
    );
}
