/**
 * `judgeflow bias`: an evaluator run under two label orders (or two prompt versions) over the same rows, and how far
 * its verdicts move (docs/judging.md, "Order bias").
 */
import type { Command } from 'commander';
import { PromptEvaluator } from '../sdk/PromptEvaluator';
import { Cli, fields, positiveInt, uid, withInterval, WAIT_HELP, type WaitOption } from './common';

type BiasFlags = { split: string; numRows?: number; concurrency?: number; versions?: [string, string] } & WaitOption;

/** `judgeflow bias` */
export function registerBiasCommand(program: Command, cli: Cli): void {
  program
    .command('bias')
    .description(
      'judge a split twice, labels in order and reversed (or two --versions), and report how often verdicts flip',
    )
    .argument('<evaluatorUid>', 'prompt evaluator uid', uid)
    .requiredOption('--split <split>', 'dataset split to judge')
    .option('--num-rows <n>', 'only the first n rows of the split', positiveInt)
    .option('--concurrency <n>', 'rows judged at once', positiveInt)
    .option('--versions <a,b>', 'compare two prompt versions instead of two label orders', (v: string) =>
      v.split(',').map((s) => s.trim()),
    )
    .option('--wait', WAIT_HELP)
    .action((evaluatorUid: number, o: BiasFlags) =>
      cli.run(async (jf) => {
        const e = await PromptEvaluator.get(evaluatorUid, jf);
        await cli.needWorker(jf, o);
        const r = await e.measureBias({
          split: o.split,
          numRows: o.numRows,
          concurrency: o.concurrency,
          versions: o.versions,
        });
        const run = (x: typeof r.a) =>
          `execution ${x.executionUid} (${x.versionName ?? 'latest version'}, labels ${x.labelOrder})`;
        cli.output(r, () =>
          fields([
            ['compared', `${r.compared}: ${run(r.a)} vs ${run(r.b)}`],
            ['decisive rows', r.decisive],
            ['flips', `${r.flips}, rate ${withInterval(r.flipRate, r.flipInterval)} (95 % Wilson)`],
            ['mean shift (B − A)', withInterval(r.meanShift, r.shiftInterval)],
            ...(r.compared === 'label order'
              ? ([['toward first-listed', withInterval(r.shiftTowardFirst, r.shiftTowardFirstInterval)]] as [
                  string,
                  unknown,
                ][])
              : []),
          ]),
        );
      }),
    );
}
