/**
 * Commands that follow and read one evaluator execution: `execution status|results|progress|watch|cancel <uid>`
 * (live control is in live-control.ts).
 */
import type { Command } from 'commander';
import { countWorkers } from '../services/client/worker-presence';
import { Cli, fields, noun, uid, WAIT_HELP, type WaitOption } from './common';
import { executionEvaluator, follow, groundTruthOf, resultsTable } from './execution-views';
import { budgetOf, describeBudget, describeSpend, usageOf } from './spend-format';
import { verdictMethod } from '../shared/sampling';
import { rowCountsOf, statusText } from './status-text';

/** `execution status|results|progress|watch|cancel`. */
export function registerExecutionCommands(program: Command, cli: Cli): void {
  registerExecutionStatusCommand(program, cli);
  registerExecutionResultsCommand(program, cli);
  registerExecutionProgressCommand(program, cli);
  registerExecutionWatchCommand(program, cli);
  registerExecutionCancelCommand(program, cli);
}

/** `judgeflow execution status` */
function registerExecutionStatusCommand(program: Command, cli: Cli): void {
  noun(program, 'execution')
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
          samples: x.samples,
          aggregation: x.aggregation,
          scoring: x.scoring,
          fallback: x.scoringFallback,
          url: e.executionUrl(executionUid),
        };
        cli.output(value, () =>
          fields([
            ['execution', `${executionUid} of evaluator ${x.evaluatorUid} (${e.name})`],
            ['status', statusText(status, { done: rows.length, errors })],
            ['split', x.split],
            ['version', x.promptVersionName],
            ['rows', `${rows.length}/${x.totalRows} done, ${errors} errors`],
            ...(live?.paused ? ([['paused', live.paused.reason]] as [string, unknown][]) : []),
            ['spend', describeSpend(usage)],
            ['budget', describeBudget(value.budget)],
            ['cache', x.cache ? 'on (identical requests reuse stored answers)' : 'off'],
            ['verdict', verdictMethod(x)],
            ...(x.error ? ([['error', x.error]] as [string, unknown][]) : []),
            ['web UI', value.url],
          ]),
        );
      }),
    );
}

/** `judgeflow execution results` */
function registerExecutionResultsCommand(program: Command, cli: Cli): void {
  noun(program, 'execution')
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
        const truth = cli.globals.json ? {} : await groundTruthOf(jf, e);
        cli.output(
          { executionUid, status, results },
          () => `status: ${statusText(status, rowCountsOf(results))}
${resultsTable(results, truth)}`,
        );
      }),
    );
}

/** `judgeflow execution progress` */
function registerExecutionProgressCommand(program: Command, cli: Cli): void {
  noun(program, 'execution')
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
}

/** `judgeflow execution watch` */
function registerExecutionWatchCommand(program: Command, cli: Cli): void {
  noun(program, 'execution')
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
}

/** `judgeflow execution cancel` */
function registerExecutionCancelCommand(program: Command, cli: Cli): void {
  noun(program, 'execution')
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
}
