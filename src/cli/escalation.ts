/**
 * `judgeflow benchmark escalate` (a cascade: uncertain rows of a cheap evaluator judged again by a stronger one) and
 * `judgeflow review list` (the rows flagged for human review). docs/judging.md, "Escalation".
 */
import type { Command } from 'commander';
import { reviewFlagsOf, type EscalationOptions } from '../services/client/escalation';
import { BenchmarkExecution } from '../sdk/BenchmarkExecution';
import { Cli, fields, noun, positiveInt, ratio, table, uid, withInterval, WAIT_HELP, type WaitOption } from './common';

type EscalateFlags = EscalationOptions & WaitOption;

const fraction = (v: string) => {
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n)) throw new Error(`expected a number from 0 to 1, got "${v}"`);
  return n;
};

export function registerEscalationCommands(program: Command, cli: Cli): void {
  noun(program, 'benchmark')
    .command('escalate')
    .description('judge the rows a cheap evaluator was unsure of again with a stronger one, and compare')
    .argument('<benchmarkExecutionUid>', 'benchmark execution uid', uid)
    .requiredOption('--from <uid>', 'the cheap evaluator (run with --samples or --scoring logprobs)', uid)
    .requiredOption('--to <uid>', 'the stronger evaluator of the same criteria', uid)
    .option('--threshold <c>', 'escalate rows whose confidence is below c (0 to 1)', fraction)
    .option('--target-accuracy <a>', 'pick the threshold that reaches this accuracy on --calibration-split', fraction)
    .option('--calibration-split <split>', 'the labelled split that picks the threshold (not escalated)')
    .option('--flag-for-review', 'flag escalated rows the two judges decided differently')
    .option('--concurrency <n>', 'rows the stronger evaluator judges at once', positiveInt)
    .option('--wait', WAIT_HELP)
    .action((benchmarkExecutionUid: number, o: EscalateFlags) =>
      cli.run(async (jf) => {
        const x = await BenchmarkExecution.get(benchmarkExecutionUid, jf);
        await cli.needWorker(jf, o);
        const r = await x.escalate(o);
        const acc = (s: typeof r.before) => withInterval(s.accuracy, s.intervals.accuracy);
        const spend = (s: typeof r.cost.cheap) =>
          `${s.rows} rows, ${s.tokens} tokens, ${s.costUsd === null ? 'cost unknown' : `$${s.costUsd.toFixed(4)}`}`;
        cli.output(r, () =>
          fields([
            [
              'threshold',
              (r.threshold === null ? 'none reaches the target: every row escalated' : ratio(r.threshold)) +
                (r.calibration
                  ? ` (target ${r.calibration.targetAccuracy} on ${r.calibration.rows} rows of ${r.calibration.split}, ` +
                    `kept ${r.calibration.kept}, lower bound ${ratio(r.calibration.lowerBound)})`
                  : ''),
            ],
            ['escalated', `${r.escalated} of ${r.rows} rows (${ratio(r.escalatedShare)})`],
            ['accuracy before', acc(r.before)],
            ['accuracy after', acc(r.after)],
            ['cheap judge', spend(r.cost.cheap)],
            ['stronger judge', spend(r.cost.strong)],
            ['executions', r.executions.map((e) => `${e.executionUid} (${e.split}, ${e.rows} rows)`).join(', ')],
            ['flagged for review', r.flagged],
          ]),
        );
      }),
    );

  noun(program, 'review')
    .command('list')
    .description('rows of an evaluator execution flagged for human review, with why')
    .argument('<executionUid>', 'evaluator execution uid', uid)
    .action((executionUid: number) =>
      cli.run(async (jf) => {
        const flags = await reviewFlagsOf(jf, executionUid);
        cli.output(flags, () =>
          flags.length
            ? table(
                ['x_uid', 'reason'],
                flags.map((f) => [f.xUid, f.reason]),
              )
            : `no rows of execution ${executionUid} are flagged for review`,
        );
      }),
    );
}
