/**
 * Commands that run and follow work: `evaluator execute|executions`, `execution
 * status|results|progress|cancel|watch <uid>`, `benchmark execute|executions`.
 */
import type { Command } from 'commander';
import { Benchmark } from '../sdk/Benchmark';
import { BenchmarkExecution } from '../sdk/BenchmarkExecution';
import type { Judgeflow } from '../sdk/Judgeflow';
import { PromptEvaluator } from '../sdk/PromptEvaluator';
import { requireEvaluatorExecution } from '../services/client/evaluator-executions';
import { countWorkers } from '../services/client/worker-presence';
import type { ExecutionResults } from '../services/client/evaluator-executions';
import {
  Cli,
  fields,
  noun,
  positiveInt,
  positiveNumber,
  shorten,
  table,
  uid,
  WAIT_HELP,
  type WaitOption,
} from './common';
import type { Budget, ExecutionProgress } from '../shared/execution-contract';
import type { BenchmarkEstimate, ExecutionEstimate } from '../services/client/estimates';
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
  withSpendOptions(
    evaluator
      .command('execute')
      .description('run a prompt evaluator over a dataset split; prints the execution uid and its Web UI link')
      .argument('<evaluatorUid>', 'prompt evaluator uid', uid)
      .requiredOption('--split <split>', 'dataset split to evaluate on')
      .option('--num-rows <n>', 'only the first n rows of the split', positiveInt)
      .option('--version <name>', 'prompt version (default: the latest)')
      .option('--concurrency <n>', 'rows judged at once', positiveInt),
    'the execution',
  )
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
          dryRun?: boolean;
        } & SpendOptions &
          WaitOption,
      ) =>
        cli.run(async (jf) => {
          const e = await PromptEvaluator.get(evaluatorUid, jf);
          if (o.dryRun) {
            const estimate = await e.estimate({
              split: o.split,
              numRows: o.numRows,
              versionName: o.version,
              concurrency: o.concurrency,
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
        const usage = usageOf(results);
        // While it runs, the workflow knows the finer state (paused, and why); only a worker can answer (a query
        // without one would hang for half a minute), so without one the status says less rather than waiting.
        const live =
          status === 'running' && (await countWorkers(jf)) > 0
            ? await e.getExecutionProgress(executionUid).catch(() => undefined)
            : undefined;
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
          state: live?.paused ? 'paused' : status,
          paused: live?.paused,
          usage,
          budget:
            live?.budget ??
            budgetOf({ budgetUsd: x.budgetUsd ?? undefined, budgetTokens: x.budgetTokens ?? undefined }) ??
            {},
          cache: x.cache,
          url: e.executionUrl(executionUid),
        };
        cli.output(value, () =>
          fields([
            ['execution', `${executionUid} of evaluator ${x.evaluatorUid} (${e.name})`],
            ['status', status],
            ['split', x.split],
            ['version', x.promptVersionName],
            ['rows', `${rows.length}/${x.totalRows} done, ${errors} errors`],
            ...(live?.paused ? ([['paused', live.paused.reason]] as [string, unknown][]) : []),
            ['spend', describeSpend(usage)],
            ['budget', describeBudget(value.budget)],
            ['cache', x.cache ? 'on (identical requests reuse stored answers)' : 'off'],
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
            ['status', p.paused ? `paused (${p.paused.reason})` : p.status],
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
            ['spend', describeSpend(p.spend)],
            ['budget', describeBudget(p.budget)],
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

  execution
    .command('pause')
    .description('stop scheduling rows (rows in flight finish); it waits, running, until resumed or cancelled')
    .argument('<executionUid>', 'execution uid', uid)
    .option('--wait', WAIT_HELP)
    .action((executionUid: number, o: WaitOption) =>
      runControl(cli, executionUid, o, (e) => e.pauseExecution(executionUid), 'paused'),
    );
  execution
    .command('resume')
    .description('undo pause (a budget that is still exceeded keeps it paused)')
    .argument('<executionUid>', 'execution uid', uid)
    .option('--wait', WAIT_HELP)
    .action((executionUid: number, o: WaitOption) =>
      runControl(cli, executionUid, o, (e) => e.resumeExecution(executionUid), 'resumed'),
    );
  execution
    .command('set-concurrency')
    .description('rows in flight at most from now on (1 to JUDGEFLOW_MAX_CONCURRENCY)')
    .argument('<executionUid>', 'execution uid', uid)
    .argument('<n>', 'rows in flight at most', positiveInt)
    .option('--wait', WAIT_HELP)
    .action((executionUid: number, n: number, o: WaitOption) =>
      runControl(cli, executionUid, o, (e) => e.setExecutionConcurrency(executionUid, n), `concurrency set to ${n}`),
    );
  execution
    .command('set-budget')
    .description('a new budget (none given: no limit); a run paused by its budget goes on when the new one allows')
    .argument('<executionUid>', 'execution uid', uid)
    .option('--budget-usd <usd>', 'at most this many USD in all', positiveNumber)
    .option('--budget-tokens <n>', 'at most this many tokens in all', positiveNumber)
    .option('--wait', WAIT_HELP)
    .action((executionUid: number, o: SpendOptions & WaitOption) =>
      runControl(
        cli,
        executionUid,
        o,
        (e) => e.setExecutionBudget(executionUid, budgetOf(o) ?? {}),
        `budget set to ${describeBudget(budgetOf(o))}`,
      ),
    );

  const benchmark = noun(program, 'benchmark', 'create, list, show and run benchmarks');
  withSpendOptions(
    benchmark
      .command('execute')
      .description('run every prompt evaluator of a benchmark (default splits: all but test)')
      .argument('<benchmarkUid>', 'benchmark uid', uid)
      .option('--name <name>', 'name of the execution')
      .option('--splits <splits>', 'comma-separated splits', (v: string) => v.split(',').map((s) => s.trim()))
      .option('--num-rows <n>', 'only the first n rows of each split', positiveInt),
    'the whole run (shared by its evaluator executions by rows)',
  )
    .option('--watch', 'follow it with a progress bar until it ends (Ctrl-C detaches)')
    .option('--sync', 'wait for the end')
    .option('--wait', WAIT_HELP)
    .action(
      (
        benchmarkUid: number,
        o: {
          name?: string;
          splits?: string[];
          numRows?: number;
          watch?: boolean;
          sync?: boolean;
          dryRun?: boolean;
        } & SpendOptions &
          WaitOption,
      ) =>
        cli.run(async (jf) => {
          const b = await Benchmark.get(benchmarkUid, jf);
          if (o.dryRun) {
            const estimate = await b.estimate({ splits: o.splits, numRows: o.numRows });
            cli.output(estimate, () => describeBenchmarkEstimate(estimate));
            return;
          }
          await cli.needWorker(jf, o);
          const x = await b.execute({
            name: o.name,
            splits: o.splits,
            numRows: o.numRows,
            sync: o.sync,
            budget: budgetOf(o),
            cache: o.cache,
          });
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

interface SpendOptions {
  budgetUsd?: number;
  budgetTokens?: number;
  cache?: boolean;
}

const budgetOf = (o: { budgetUsd?: number; budgetTokens?: number }): Budget | undefined =>
  o.budgetUsd === undefined && o.budgetTokens === undefined
    ? undefined
    : {
        ...(o.budgetUsd !== undefined && { maxCostUsd: o.budgetUsd }),
        ...(o.budgetTokens !== undefined && { maxTokens: o.budgetTokens }),
      };

const usd = (v: number) => `$${v < 1 ? v.toFixed(4) : v.toFixed(2)}`;

function describeBudget(b: Budget | undefined): string {
  const parts = [
    ...(b?.maxCostUsd !== undefined ? [usd(b.maxCostUsd)] : []),
    ...(b?.maxTokens !== undefined ? [`${b.maxTokens} tokens`] : []),
  ];
  return parts.length ? parts.join(' and ') : 'none';
}

/** What an execution spent, in the terms both its results and its live progress give. */
interface Spend {
  tokens: number;
  costUsd: number;
  /** Paid rows whose model has no price. */
  costUnknownRows: number;
  cacheHits: number;
}

/** Tokens and cost summed over an execution's results (cache hits cost nothing). */
function usageOf(results: ExecutionResults): Spend & { promptTokens: number; completionTokens: number } {
  const u = { tokens: 0, promptTokens: 0, completionTokens: 0, costUsd: 0, costUnknownRows: 0, cacheHits: 0 };
  for (const r of Object.values(results)) {
    u.promptTokens += r.usage?.promptTokens ?? 0;
    u.completionTokens += r.usage?.completionTokens ?? 0;
    if (r.cachedFrom) u.cacheHits += 1;
    if (typeof r.costUsd === 'number') u.costUsd += r.costUsd;
    else if (r.usage?.totalTokens) u.costUnknownRows += 1;
  }
  u.tokens = u.promptTokens + u.completionTokens;
  return u;
}

/** `1234 tokens (1000 prompt + 234 completion), $0.0012, 0 cache hits` (the split when known). */
function describeSpend(s: Spend & { promptTokens?: number; completionTokens?: number }): string {
  const cost = s.costUnknownRows > 0 ? `cost unknown for ${s.costUnknownRows} rows (no price)` : usd(s.costUsd);
  const split =
    s.promptTokens === undefined ? '' : ` (${s.promptTokens} prompt + ${s.completionTokens ?? 0} completion)`;
  return `${s.tokens} tokens${split}, ${cost}, ${s.cacheHits} cache hits`;
}

function describeEstimate(x: ExecutionEstimate): string {
  return [
    fields([
      ['estimate', `evaluator ${x.evaluatorUid}, version ${x.versionName} (${x.model}), split ${x.split}`],
      ['rows', x.rows],
      ['tokens', `${x.totalTokens} (${x.inputTokens} input + ${x.outputTokens} output, ${x.tokenizer.encoding})`],
      ['cost', x.costUsd === null ? 'unknown (no price configured for the model)' : usd(x.costUsd)],
      ['time', x.seconds === null ? 'unknown' : `about ${x.seconds} s at concurrency ${x.concurrency}`],
    ]),
    ...x.notes.map((n) => `  - ${n}`),
    'Nothing was run (--dry-run).',
  ].join('\n');
}

function describeBenchmarkEstimate(b: BenchmarkEstimate): string {
  return [
    table(
      ['evaluator', 'split', 'version', 'rows', 'tokens', 'cost'],
      b.executions.map((x) => [
        x.evaluatorUid,
        x.split,
        x.versionName,
        x.rows,
        x.totalTokens,
        x.costUsd === null ? 'unknown' : usd(x.costUsd),
      ]),
    ),
    fields([
      ['total', `${b.rows} rows, ${b.totalTokens} tokens (${b.inputTokens} input + ${b.outputTokens} output)`],
      ['cost', b.costUsd === null ? 'unknown (a model has no configured price)' : usd(b.costUsd)],
      ['time', b.seconds === null ? 'unknown' : `about ${b.seconds} s`],
    ]),
    'Nothing was run (--dry-run).',
  ].join('\n');
}

/** Sends one live-control Update and prints the state it answers with. */
function runControl(
  cli: Cli,
  executionUid: number,
  o: WaitOption,
  apply: (e: PromptEvaluator) => Promise<ExecutionProgress>,
  done: string,
): Promise<void> {
  return cli.run(async (jf) => {
    const { execution: x, evaluator: e } = await executionEvaluator(jf, executionUid);
    if (x.status === 'running') await cli.needWorker(jf, o);
    const p = await apply(e);
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

/** The spend options of `evaluator execute` and `benchmark execute`: budget, cache, dry run. */
function withSpendOptions(cmd: Command, scope: string): Command {
  return cmd
    .option(
      '--budget-usd <usd>',
      `pause when the next rows of ${scope} would cost more (needs the model price)`,
      positiveNumber,
    )
    .option('--budget-tokens <n>', `pause when the next rows of ${scope} would use more tokens`, positiveNumber)
    .option('--cache', 'reuse stored answers of identical requests instead of calling the model')
    .option('--no-cache', 'call the model for every row even when JUDGEFLOW_CACHE is on')
    .option('--dry-run', 'estimate rows, tokens, cost and time, and run nothing');
}
