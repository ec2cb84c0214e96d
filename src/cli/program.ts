/** The `judgeflow` command tree: `judgeflow <noun> <verb>`, global `--json` and `--verbose`, help with examples. */
import { Command } from 'commander';
import { Cli } from './common';
import { registerBenchmarkRunCommands } from './benchmark-runs';
import { registerDefinitionCommands } from './definitions';
import { registerEvaluatorCommands } from './evaluators';
import { registerEvaluatorRunCommands } from './evaluator-runs';
import { registerExecutionCommands } from './executions';
import { registerLiveControlCommands } from './live-control';
import { registerOutputCommands } from './outputs';
import { applyHelp } from './help';
import { registerAgreementCommand } from './agreement';
import { registerJuryCommand } from './jury';
import { registerBiasCommand } from './bias';
import { registerEscalationCommands } from './escalation';
import { registerGateCommand } from './gate';
import { registerScheduleCommands } from './schedules';

export function buildProgram(): Command {
  const program = new Command('judgeflow')
    .description('Durable LLM-as-a-judge evaluation on Temporal')
    .option('--json', 'machine-readable output (JSON on stdout)')
    .option('--verbose', 'print the stack of an error, not just its message');
  const cli = new Cli(program);
  registerDefinitionCommands(program, cli);
  registerEvaluatorCommands(program, cli);
  registerEvaluatorRunCommands(program, cli);
  registerExecutionCommands(program, cli);
  registerLiveControlCommands(program, cli);
  registerBenchmarkRunCommands(program, cli);
  registerAgreementCommand(program, cli);
  registerJuryCommand(program, cli);
  registerBiasCommand(program, cli);
  registerEscalationCommands(program, cli);
  registerOutputCommands(program, cli);
  registerGateCommand(program, cli);
  registerScheduleCommands(program, cli);
  applyHelp(program);
  return program;
}
