/**
 * `judgeflow gate <benchmark-execution>`: a CI step. Prints each check, stores the outcome, and exits 0 when every
 * check passes, 1 when one fails, 2 on a usage or data error (a bad option, an unknown uid, a running execution).
 */
import { CommanderError, InvalidArgumentError, type Command } from 'commander';
import { BenchmarkExecution } from '../sdk/BenchmarkExecution';
import { Cli, table, uid, uids } from './common';

/** A decimal number from `low` to 1 (a share or a κ), named in its error. */
const shareFrom =
  (low: number) =>
  (value: string): number => {
    const n = Number(value);
    if (!/^-?(\d+(\.\d*)?|\.\d+)$/.test(value) || n < low || n > 1)
      throw new InvalidArgumentError(`expected a number from ${low} to 1 (e.g. 0.6), got "${value}"`);
    return n;
  };

/** The absolute thresholds of a gate: `judgeflow gate` and `judgeflow schedule create` take the same. */
export function withThresholdOptions(cmd: Command): Command {
  return cmd
    .option('--min-accuracy <x>', "accuracy's 95 % interval must start at or above x (0–1)", shareFrom(0))
    .option('--min-kappa <x>', "Cohen's κ's 95 % interval must start at or above x (−1–1)", shareFrom(-1))
    .option('--max-error-rate <x>', 'row errors / rows run at most x (0–1)', shareFrom(0));
}

/** Exit codes of `judgeflow gate`. */
export const GATE_EXIT = { passed: 0, failed: 1, error: 2 } as const;

export function registerGateCommand(program: Command, cli: Cli): void {
  withThresholdOptions(
    program
      .command('gate')
      .description(
        'check a finished benchmark execution against thresholds (a CI step): exit 0 pass, 1 fail, 2 usage or data error',
      )
      .argument('<benchmarkExecutionUid>', 'benchmark execution uid', uid),
  )
    .option('--no-significant-regression', 'no metric significantly worse than --baseline (paired test)')
    .option('--baseline <uid>', 'the benchmark execution to compare with', uid)
    .option('--evaluator <uid...>', 'only these evaluators (default: every one it ran)', uids)
    .option('--slice <name>', "check this slice's rows instead of all rows")
    .exitOverride((err: CommanderError) => {
      // --help and --version are no error; every other commander error is a usage error.
      process.exit(err.exitCode === 0 ? 0 : GATE_EXIT.error);
    })
    .action(
      async (
        benchmarkExecutionUid: number,
        o: {
          minAccuracy?: number;
          minKappa?: number;
          maxErrorRate?: number;
          // commander's --no-x form: false when given, true by default.
          significantRegression: boolean;
          baseline?: number;
          evaluator?: number[];
          slice?: string;
        },
      ) => {
        const outcome = { passed: false };
        await cli.run(async (jf) => {
          const x = await BenchmarkExecution.get(benchmarkExecutionUid, jf);
          const result = await x.gate({
            minAccuracy: o.minAccuracy,
            minKappa: o.minKappa,
            maxErrorRate: o.maxErrorRate,
            noSignificantRegression: !o.significantRegression,
            baseline: o.baseline,
            evaluatorUids: o.evaluator,
            slice: o.slice,
          });
          outcome.passed = result.passed;
          cli.output(result, () =>
            [
              table(
                ['evaluator', 'slice', 'check', 'threshold', 'value', 'result', 'why'],
                result.checks.map((c) => [
                  c.evaluatorUid,
                  c.slice ?? 'all rows',
                  c.check,
                  String(c.threshold),
                  c.value === null ? 'n/a' : c.value.toFixed(3),
                  c.passed ? 'pass' : 'FAIL',
                  c.reason,
                ]),
              ),
              `gate ${result.gateUid} of benchmark execution ${benchmarkExecutionUid}: ${result.passed ? 'PASSED' : 'FAILED'}`,
            ].join('\n'),
          );
        });
        // cli.run turned an error into one line and exit code 1; for a gate an error is not a failed check.
        process.exitCode =
          process.exitCode === 1 ? GATE_EXIT.error : outcome.passed ? GATE_EXIT.passed : GATE_EXIT.failed;
      },
    );
}
