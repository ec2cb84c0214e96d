/**
 * What every command's `--help` says beyond commander's usage: the global options (`--json`, `--verbose`) where
 * the command honours them, "(required)" after each option that must be given, and an example. One table of
 * examples by command; `applyHelp` walks the finished command tree once.
 */
import { Help, type Command, type HelpConfiguration, type Option } from 'commander';

/** One example per command, as typed after `npx judgeflow` (uids of a fresh database, as in the README). */
export const EXAMPLES: Record<string, string> = {
  'dataset import': 'dataset import examples/data/support-answers.csv --name support',
  'dataset list': 'dataset list',
  'benchmark create': 'benchmark create --dataset 1 --name "support quality" --description "Are answers helpful?"',
  'benchmark list': 'benchmark list',
  'benchmark show': 'benchmark show 1',
  'benchmark execute': 'benchmark execute 1 --splits dev,train --evaluator 1 2 --budget-tokens 200000 --watch',
  'benchmark executions': 'benchmark executions 1',
  'benchmark agreement': 'benchmark agreement 1 --seed 7',
  'benchmark jury': 'benchmark jury 1 --evaluator 1 2 3 --rule weighted --weights-from dev',
  bias: 'bias 1 --split dev --num-rows 200',
  'benchmark escalate': 'benchmark escalate 1 --from 1 --to 2 --target-accuracy 0.9 --calibration-split dev',
  'review list': 'review list 3',
  'criteria create':
    'criteria create --benchmark 1 --name helpfulness --label "unhelpful=0:does not answer" --label "helpful=1"',
  'criteria list': 'criteria list --benchmark 1',
  'criteria ground-truth': 'criteria ground-truth 1 --column helpfulness',
  'slice create': 'slice create --benchmark 1 --name billing --column product_area --equals billing',
  'slice list': 'slice list --benchmark 1',
  'evaluator create':
    'evaluator create --criteria 1 --model gpt-4o-mini --system-prompt "You review support answers." ' +
    '--user-prompt "Q: {{question}} A: {{response}}" --param temperature=0',
  'evaluator update': "evaluator update 1 --user-prompt 'Question: {{question}} Answer: {{response}}'",
  'evaluator versions': 'evaluator versions 1',
  'evaluator list': 'evaluator list --benchmark 1',
  'evaluator execute': 'evaluator execute 1 --split dev --concurrency 4 --watch',
  'evaluator executions': 'evaluator executions 1',
  'execution status': 'execution status 1',
  'execution results': 'execution results 1',
  'execution progress': 'execution progress 1',
  'execution watch': 'execution watch 1',
  'execution cancel': 'execution cancel 1',
  'execution pause': 'execution pause 1',
  'execution resume': 'execution resume 1',
  'execution set-concurrency': 'execution set-concurrency 1 8',
  'execution set-budget': 'execution set-budget 1 --budget-usd 5',
  export: 'export 1 results.csv --csv',
  gate: 'gate 2 --min-kappa 0.4 --max-error-rate 0.05 --no-significant-regression --baseline 1',
  report: 'report 1 --out report.html',
  'schedule create': 'schedule create --benchmark 1 --cron "0 3 * * *" --min-kappa 0.4 --baseline last-passing',
  'schedule list': 'schedule list',
  'schedule runs': 'schedule runs 1',
  'schedule pause': 'schedule pause 1 --note "prompt freeze"',
  'schedule resume': 'schedule resume 1',
  'schedule trigger': 'schedule trigger 1',
  'schedule delete': 'schedule delete 1',
  'connector create': 'connector create --name exports --type s3 --from-env --option region=eu-west-1',
  'connector list': 'connector list',
  'connector delete': 'connector delete 1',
  worker: 'worker',
  dev: 'dev',
  migrate: 'migrate',
  repair: 'repair',
};

/** Commands that run a process of their own: `--json` and `--verbose` mean nothing to them. */
const WITHOUT_GLOBAL_OPTIONS = new Set(['worker', 'dev', 'migrate']);

const plainHelp = new Help();

const helpConfiguration = (showGlobalOptions: boolean): HelpConfiguration => ({
  showGlobalOptions,
  optionDescription: (option: Option) =>
    option.mandatory ? `${plainHelp.optionDescription(option)} (required)` : plainHelp.optionDescription(option),
});

/** The path of a command below the program, e.g. "evaluator update". */
export const commandPath = (cmd: Command): string => {
  const names: string[] = [];
  for (let c = cmd; c.parent; c = c.parent) names.unshift(c.name());
  return names.join(' ');
};

/** Configures the help of every command of `program`; a command without an example is a programming error. */
export function applyHelp(program: Command): void {
  const visit = (cmd: Command) => {
    for (const sub of cmd.commands) {
      const path = commandPath(sub);
      sub.configureHelp(helpConfiguration(!WITHOUT_GLOBAL_OPTIONS.has(path)));
      if (sub.commands.length) visit(sub);
      else {
        const example = EXAMPLES[path];
        if (example === undefined) throw new Error(`judgeflow ${path} has no example in src/cli/help.ts`);
        sub.addHelpText('after', `\nExample:\n  $ npx judgeflow ${example}`);
      }
    }
  };
  program.configureHelp(helpConfiguration(true));
  visit(program);
}
