/**
 * Live control of a running evaluator execution: `execution pause|resume|set-concurrency|set-budget <uid>`. One
 * table of commands, one way to run them: each sends its Update and prints the state the execution answers with.
 */
import type { Command } from 'commander';
import type { PromptEvaluator } from '../sdk/PromptEvaluator';
import type { ExecutionProgress } from '../shared/execution-contract';
import { Cli, fields, noun, positiveInt, positiveNumber, tokenCount, uid, WAIT_HELP, type WaitOption } from './common';
import { executionEvaluator } from './execution-views';
import { budgetOf, describeBudget, describeSpend, type SpendOptions } from './spend-format';

interface ControlCommand {
  verb: string;
  description: string;
  /** Arguments and options after `<executionUid>` (and `--wait`). */
  configure?: (cmd: Command) => Command;
  /** The Update to send, from the command's extra arguments and options, and what it did, in words. */
  apply: (e: PromptEvaluator, executionUid: number, args: unknown[]) => [Promise<ExecutionProgress>, string];
}

const CONTROLS: ControlCommand[] = [
  {
    verb: 'pause',
    description: 'stop scheduling rows (rows in flight finish); it waits, running, until resumed or cancelled',
    apply: (e, uid) => [e.pauseExecution(uid), 'paused'],
  },
  {
    verb: 'resume',
    description: 'undo pause (a budget that is still exceeded keeps it paused)',
    apply: (e, uid) => [e.resumeExecution(uid), 'resumed'],
  },
  {
    verb: 'set-concurrency',
    description: 'rows in flight at most from now on (1 to JUDGEFLOW_MAX_CONCURRENCY)',
    configure: (cmd) => cmd.argument('<n>', 'rows in flight at most', positiveInt),
    apply: (e, uid, [n]) => [e.setExecutionConcurrency(uid, n as number), `concurrency set to ${n as number}`],
  },
  {
    verb: 'set-budget',
    description: 'a new budget (none given: no limit); a run paused by its budget goes on when the new one allows',
    configure: (cmd) =>
      cmd
        .option('--budget-usd <usd>', 'at most this many USD in all', positiveNumber)
        .option('--budget-tokens <n>', 'at most this many tokens in all', tokenCount),
    apply: (e, uid, [o]) => {
      const budget = budgetOf(o as SpendOptions);
      return [e.setExecutionBudget(uid, budget ?? {}), `budget set to ${describeBudget(budget)}`];
    },
  },
];

/** `execution pause|resume|set-concurrency|set-budget`. */
export function registerLiveControlCommands(program: Command, cli: Cli): void {
  const execution = noun(program, 'execution');
  for (const control of CONTROLS) {
    const cmd = execution
      .command(control.verb)
      .description(control.description)
      .argument('<executionUid>', 'execution uid', uid);
    (control.configure?.(cmd) ?? cmd).option('--wait', WAIT_HELP).action((executionUid: number, ...rest: unknown[]) => {
      // commander passes the declared arguments, then the options (with --wait), then the command.
      const args = rest.slice(0, -1);
      return runControl(cli, executionUid, args.at(-1) as WaitOption, control, args);
    });
  }
}

/** Sends one live-control Update and prints the state it answers with. */
function runControl(
  cli: Cli,
  executionUid: number,
  o: WaitOption,
  control: ControlCommand,
  args: unknown[],
): Promise<void> {
  return cli.run(async (jf) => {
    const { execution: x, evaluator: e } = await executionEvaluator(jf, executionUid);
    if (x.status === 'running') await cli.needWorker(jf, o);
    const [update, done] = control.apply(e, executionUid, args);
    const p = await update;
    cli.output(p, () =>
      [
        `execution ${executionUid}: ${done}`,
        fields([
          ['state', p.paused ? `paused: ${p.paused.reason}` : p.status],
          ['rows', `${p.done}/${p.total} done, ${p.inFlight} in flight`],
          ['concurrency', `${p.concurrency.effective} of ${p.concurrency.max}`],
          ['spend', describeSpend(p.spend)],
          ['budget', describeBudget(p.budget)],
        ]),
      ].join('\n'),
    );
  });
}
