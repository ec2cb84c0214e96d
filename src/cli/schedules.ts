/**
 * `judgeflow schedule …`: run a benchmark on a cron or an interval, gating each run (docs/agreement.md, "Scheduled
 * runs"): create, list, runs, pause, resume, trigger, delete.
 */
import { InvalidArgumentError, type Command } from 'commander';
import { BenchmarkSchedule } from '../sdk/BenchmarkSchedule';
import { gateChecks, type ScheduleInfo, type ScheduleRunRecord } from '../services/client/schedules';
import { Cli, noun, positiveInt, positiveNumber, table, tokenCount, uid, uids } from './common';
import { withThresholdOptions } from './gate';
import { budgetOf } from './spend-format';

/** `last-passing` or a benchmark execution uid. */
const baselineOption = (value: string): 'last-passing' | number => {
  if (value === 'last-passing') return value;
  try {
    return uid(value);
  } catch {
    throw new InvalidArgumentError(`expected "last-passing" or a benchmark execution uid, got "${value}"`);
  }
};

export function registerScheduleCommands(program: Command, cli: Cli): void {
  const schedule = noun(program, 'schedule');
  registerCreate(schedule, cli);
  registerReads(schedule, cli);
  registerControls(schedule, cli);
}

/** `judgeflow schedule create` */
function registerCreate(schedule: Command, cli: Cli): void {
  withThresholdOptions(
    schedule
      .command('create')
      .description('run a benchmark on a cron or an interval and gate every run (runs never overlap)')
      .requiredOption('--benchmark <uid>', 'the benchmark to run', uid)
      .option('--cron <expression>', 'when, as cron in UTC (e.g. "0 3 * * *": 03:00 every day)')
      .option('--every <interval>', 'or every interval: a whole number with s, m, h or d (e.g. 6h)'),
  )
    .option(
      '--baseline <last-passing|uid>',
      'also fail a run that is significantly worse than this: the last passing run, or a benchmark execution',
      baselineOption,
    )
    .option('--splits <splits>', 'comma-separated splits', (v: string) => v.split(',').map((s) => s.trim()))
    .option('--num-rows <n>', 'only the first n rows of each split', positiveInt)
    .option('--evaluator <uid...>', 'only these of its prompt evaluators (default: every one)', uids)
    .option('--concurrency <n>', 'rows judged at once per evaluator execution', positiveInt)
    .option(
      '--budget-usd <usd>',
      "pause a run when its next rows would cost more (needs the model's price)",
      positiveNumber,
    )
    .option('--budget-tokens <n>', 'pause a run when its next rows would use more tokens', tokenCount)
    .option('--paused', 'create it paused (resume it with `schedule resume`)')
    .action(
      (o: {
        benchmark: number;
        cron?: string;
        every?: string;
        minAccuracy?: number;
        minKappa?: number;
        maxErrorRate?: number;
        baseline?: 'last-passing' | number;
        splits?: string[];
        numRows?: number;
        evaluator?: number[];
        concurrency?: number;
        budgetUsd?: number;
        budgetTokens?: number;
        paused?: boolean;
      }) =>
        cli.run(async (jf) => {
          const s = await BenchmarkSchedule.create(
            o.benchmark,
            {
              cron: o.cron,
              every: o.every,
              gate: { minAccuracy: o.minAccuracy, minKappa: o.minKappa, maxErrorRate: o.maxErrorRate },
              baseline: o.baseline,
              execute: {
                splits: o.splits,
                numRows: o.numRows,
                evaluatorUids: o.evaluator,
                concurrency: o.concurrency,
                budget: budgetOf(o),
              },
              paused: o.paused,
            },
            jf,
          );
          cli.output(s, () => `schedule ${s.scheduleUid} created (${s.scheduleId}):\n${describe(s)}`);
        }),
    );
}

/** `judgeflow schedule list`, `judgeflow schedule runs` */
function registerReads(schedule: Command, cli: Cli): void {
  schedule
    .command('list')
    .description('schedules with their state, next run and last outcome')
    .option('--benchmark <uid>', "only this benchmark's", uid)
    .action((o: { benchmark?: number }) =>
      cli.run(async (jf) => {
        const all = await BenchmarkSchedule.list(o.benchmark, jf);
        cli.output(all, () =>
          table(
            ['schedule', 'benchmark', 'when', 'gate', 'state', 'next run', 'last run'],
            all.map((s) => [
              s.scheduleUid,
              s.benchmarkUid,
              when(s.spec),
              gateText(s),
              s.paused ? 'paused' : 'active',
              s.nextRunAt?.toISOString() ?? '–',
              s.lastRun ? runText(s.lastRun) : 'none yet',
            ]),
          ),
        );
      }),
    );

  schedule
    .command('runs')
    .description("a schedule's runs: benchmark execution, gate result, outcome (also of a deleted schedule)")
    .argument('<scheduleUid>', 'schedule uid', uid)
    .action((scheduleUid: number) =>
      cli.run(async (jf) => {
        const runs = await BenchmarkSchedule.runs(scheduleUid, jf);
        cli.output(runs, () =>
          table(
            ['run', 'started', 'benchmark execution', 'gate', 'outcome', 'note'],
            runs.map((r) => [
              r.uid,
              r.startedAt.toISOString(),
              r.benchmarkExecutionUid ?? '–',
              r.gateUid ?? '–',
              outcomeText(r),
              r.note ?? '',
            ]),
          ),
        );
      }),
    );
}

/** `judgeflow schedule pause|resume|trigger|delete` */
function registerControls(schedule: Command, cli: Cli): void {
  for (const [verb, description] of [
    ['pause', 'stop starting runs (a run in progress goes on)'],
    ['resume', 'start runs again on the schedule'],
  ] as const)
    schedule
      .command(verb)
      .description(description)
      .argument('<scheduleUid>', 'schedule uid', uid)
      .option('--note <text>', 'why (shown in the Web UI)')
      .action((scheduleUid: number, o: { note?: string }) =>
        cli.run(async (jf) => {
          const s = await BenchmarkSchedule.get(scheduleUid, jf);
          const after = verb === 'pause' ? await s.pause(o.note) : await s.resume(o.note);
          cli.output(after, () => `schedule ${scheduleUid} ${after.paused ? 'paused' : 'active'}`);
        }),
      );

  schedule
    .command('trigger')
    .description('start a run now (skipped while a run is still going)')
    .argument('<scheduleUid>', 'schedule uid', uid)
    .action((scheduleUid: number) =>
      cli.run(async (jf) => {
        await (await BenchmarkSchedule.get(scheduleUid, jf)).trigger();
        cli.output({ scheduleUid, triggered: true }, () => `schedule ${scheduleUid}: a run was requested`);
      }),
    );

  schedule
    .command('delete')
    .description('delete a schedule (a run in progress finishes; its runs stay listed by `schedule runs`)')
    .argument('<scheduleUid>', 'schedule uid', uid)
    .action((scheduleUid: number) =>
      cli.run(async (jf) => {
        await (await BenchmarkSchedule.get(scheduleUid, jf)).delete();
        cli.output({ scheduleUid, deleted: true }, () => `schedule ${scheduleUid} deleted`);
      }),
    );
}

const when = (spec: ScheduleInfo['spec']) => (spec.cron ? `cron "${spec.cron}" (UTC)` : `every ${spec.every}`);

function gateText(s: Pick<ScheduleInfo, 'gate' | 'baseline'>): string {
  const checks = gateChecks(s.gate, s.baseline);
  return checks.length ? checks.join(', ') : 'none';
}

const outcomeText = (r: ScheduleRunRecord) =>
  r.endedAt === null ? 'running' : r.passed === null ? 'not gated' : r.passed ? 'passed' : 'FAILED';

const runText = (r: ScheduleRunRecord) =>
  `${outcomeText(r)} (run ${r.uid}${r.benchmarkExecutionUid ? `, execution ${r.benchmarkExecutionUid}` : ''})`;

function describe(s: ScheduleInfo): string {
  return [
    `  when: ${when(s.spec)}${s.paused ? ' (paused)' : ''}`,
    `  next run: ${s.nextRunAt?.toISOString() ?? '–'}`,
    `  gate: ${gateText(s)}`,
  ].join('\n');
}
