/**
 * Scheduled runs (`judgeflow schedule`): a real Temporal Schedule starts `scheduledRunWorkflow`, which runs the
 * benchmark on the in-process worker and gates it against the last passing run; every outcome is in PostgreSQL and
 * the runs are findable by search attributes. Runs never overlap, bad input is refused before anything is made, and
 * the command line does all of it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Benchmark,
  BenchmarkSchedule,
  Criteria,
  Dataset,
  InvalidGateError,
  NotFoundError,
  PromptEvaluator,
  ValidationError,
  type Judgeflow,
} from '../../src';
import {
  finishScheduledRun,
  recordScheduledRun,
  startScheduledRunExecution,
} from '../../src/services/worker/scheduled-runs';
import { runCli } from '../support/cli';
import { uniqueName } from '../support/context';
import { startJudgedClient, type JudgedClient } from '../support/judged-client';
import { waitUntil } from '../support/results';

/** What the local judge answers per row, and the ground truth: 8 of 10 agree (accuracy 0.8). */
const JUDGE = [0, 1, 1, 0, 1, 0, 1, 1, 0, 1];
const TRUTH = [0, 1, 1, 0, 1, 0, 1, 1, 1, 0];

let stack: JudgedClient;
let jf: Judgeflow;
let benchmark: Benchmark;
let fast: PromptEvaluator;
let slow: PromptEvaluator;
const made: BenchmarkSchedule[] = [];

beforeAll(async () => {
  stack = await startJudgedClient(`schedules-${process.pid}`);
  jf = stack.jf;
  const dataset = await Dataset.create(
    {
      name: uniqueName('schedules'),
      rows: JUDGE.map((score, i) => ({ x_uid: `s-${i}`, split: 'dev', text: `[[judge:score=${score}]] answer ${i}` })),
    },
    jf,
  );
  benchmark = await Benchmark.create({ name: uniqueName('schedules'), datasetUid: dataset.datasetUid }, jf);
  const criteria = await Criteria.create(
    {
      benchmarkUid: benchmark.benchmarkUid,
      name: 'correct',
      labels: [
        { name: 'no', score: 0 },
        { name: 'yes', score: 1 },
      ],
    },
    jf,
  );
  await criteria.setGroundTruth(TRUTH.map((score, i) => ({ xUid: `s-${i}`, score })));
  fast = await PromptEvaluator.create(
    { criteriaUid: criteria.criteriaUid, name: 'fast', userPrompt: '{{text}}', modelName: 'local-judge' },
    jf,
  );
  slow = await PromptEvaluator.create(
    { criteriaUid: criteria.criteriaUid, name: 'slow', userPrompt: '{{text}}', modelName: 'local-judge:latency=400' },
    jf,
  );
}, 120_000);

afterAll(async () => {
  for (const s of made) await s.delete().catch(() => {});
  await stack?.stop();
});

async function create(options: Parameters<typeof BenchmarkSchedule.create>[1]) {
  const s = await BenchmarkSchedule.create(benchmark.benchmarkUid, options, jf);
  made.push(s);
  return s;
}

const endedRuns = async (s: BenchmarkSchedule) => (await s.runs()).filter((r) => r.endedAt !== null);

describe('a benchmark schedule', () => {
  it('runs on its interval, gates each run against the last passing one, and records every outcome', async () => {
    const requestsBefore = stack.judge.stats().requests;
    const s = await create({
      every: '4s',
      execute: { evaluatorUids: [fast.evaluatorUid], splits: ['dev'] },
      gate: { minAccuracy: 0.3 },
      baseline: 'last-passing',
    });
    expect(s).toMatchObject({ spec: { every: '4s' }, baseline: 'last-passing', paused: false });
    expect(s.nextRunAt).toBeInstanceOf(Date);
    await waitUntil('two runs have ended', async () => (await endedRuns(s)).length >= 2, 90_000);
    await (await BenchmarkSchedule.get(s.scheduleUid, jf)).pause('test over');

    const [first, second] = await endedRuns(s);
    // The first has no earlier passing run: the regression check waits for the next, and says so.
    expect(first).toMatchObject({ passed: true, note: expect.stringContaining('no earlier passing run') });
    expect(second).toMatchObject({ passed: true, note: null });
    const gates = await jf.db.query<{ uid: number; baseline_uid: number | null; created_by: string; checks: unknown }>(
      'SELECT uid, baseline_uid, created_by, checks FROM gate_results WHERE uid = ANY($1) ORDER BY uid',
      [[first!.gateUid, second!.gateUid]],
    );
    expect(gates.rows).toHaveLength(2);
    expect(gates.rows[0]!.baseline_uid).toBeNull();
    // The second run is compared with the first run's execution (its last passing run).
    expect(gates.rows[1]!.baseline_uid).toBe(first!.benchmarkExecutionUid);
    expect(JSON.stringify(gates.rows[1]!.checks)).toContain('no-significant-regression');
    expect(gates.rows[1]!.created_by).toBe(`schedule ${s.scheduleUid} (${jf.config.user})`);
    const executions = await jf.db.query<{ status: string; name: string }>(
      'SELECT status, name FROM benchmark_executions WHERE uid = ANY($1) ORDER BY uid',
      [[first!.benchmarkExecutionUid, second!.benchmarkExecutionUid]],
    );
    expect(executions.rows).toEqual([
      { status: 'completed', name: `Scheduled run ${first!.uid} of schedule ${s.scheduleUid}` },
      { status: 'completed', name: `Scheduled run ${second!.uid} of schedule ${s.scheduleUid}` },
    ]);

    // Every run judged each row once: nothing was paid for twice. (A run may have started just before the pause.)
    const client = await jf.temporal();
    await waitUntil(
      'no run is going',
      async () => (await client.schedule.getHandle(s.scheduleId).describe()).info.runningActions.length === 0,
      30_000,
    );
    const runs = await s.runs();
    expect(runs.every((r) => r.endedAt !== null && r.benchmarkExecutionUid !== null)).toBe(true);
    expect(stack.judge.stats().requests - requestsBefore).toBe(JUDGE.length * runs.length);

    // Findable in the Web UI by the project's search attributes (and Temporal's own for scheduled workflows).
    const listed: string[] = [];
    await waitUntil(
      'the visibility store lists the runs',
      async () => {
        listed.length = 0;
        for await (const w of client.workflow.list({
          query: `JudgeflowKind = 'scheduled-run' AND JudgeflowBenchmarkUid = ${benchmark.benchmarkUid} AND TemporalScheduledById = '${s.scheduleId}'`,
        }))
          listed.push(w.workflowId);
        return listed.length >= 2;
      },
      30_000,
    );
    expect(listed.every((id) => id.startsWith(s.scheduleId))).toBe(true);
  });

  it('fails a run whose gate fails, and says why in the run and in Temporal', async () => {
    const s = await create({
      cron: '0 0 1 1 *',
      execute: { evaluatorUids: [fast.evaluatorUid], splits: ['dev'] },
      gate: { minAccuracy: 0.99 },
    });
    await s.trigger();
    await waitUntil('the run has ended', async () => (await endedRuns(s)).length === 1, 60_000);
    const [run] = await s.runs();
    expect(run).toMatchObject({ passed: false, note: null });
    const gate = await jf.db.query<{ passed: boolean }>('SELECT passed FROM gate_results WHERE uid = $1', [
      run!.gateUid,
    ]);
    expect(gate.rows[0]!.passed).toBe(false);
    const client = await jf.temporal();
    const ids: string[] = [];
    await waitUntil(
      'the visibility store lists the run',
      async () => {
        ids.length = 0;
        for await (const w of client.workflow.list({ query: `TemporalScheduledById = '${s.scheduleId}'` }))
          ids.push(w.workflowId);
        return ids.length === 1;
      },
      30_000,
    );
    // Failed in the Web UI, with the reason.
    await expect(client.workflow.getHandle(ids[0]!).result()).rejects.toMatchObject({
      cause: { message: 'the gate failed: see the gate result' },
    });
  });

  it('a gate that cannot be evaluated fails the run with the reason, and ends it (regression: the run stayed open)', async () => {
    // A baseline of another evaluator shares no judged datapoint with the runs: the comparison is refused.
    const baseline = await benchmark.execute({
      evaluatorUids: [slow.evaluatorUid],
      splits: ['dev'],
      numRows: 1,
      sync: true,
    });
    const s = await create({
      cron: '0 0 1 1 *',
      execute: { evaluatorUids: [fast.evaluatorUid], splits: ['dev'] },
      gate: { minAccuracy: 0.3 },
      baseline: baseline.benchmarkExecutionUid,
    });
    await s.trigger();
    await waitUntil('the run has ended', async () => (await endedRuns(s)).length === 1, 60_000);
    const [run] = await s.runs();
    expect(run).toMatchObject({ passed: false, gateUid: null });
    expect(run!.note).toMatch(
      new RegExp(
        `^the gate could not be evaluated: benchmark executions ${baseline.benchmarkExecutionUid} and ${run!.benchmarkExecutionUid} share no judged datapoint`,
      ),
    );
  });

  it('skips a run that is due while the previous one is still going', async () => {
    const s = await create({
      cron: '0 0 1 1 *',
      execute: { evaluatorUids: [slow.evaluatorUid], splits: ['dev'], concurrency: 1 },
      gate: { maxErrorRate: 0 },
    });
    await s.trigger();
    await waitUntil('the first run has started', async () => (await s.runs()).length === 1, 30_000);
    await s.trigger();
    await waitUntil('the run has ended', async () => (await endedRuns(s)).length === 1, 60_000);
    const client = await jf.temporal();
    const description = await client.schedule.getHandle(s.scheduleId).describe();
    expect(description.info.numActionsSkippedOverlap).toBe(1);
    expect(await s.runs()).toHaveLength(1);
    expect((await s.runs())[0]).toMatchObject({ passed: true });
  });

  it('a retried step (a worker that died mid-run) records no second run, execution or gate result', async () => {
    const s = await create({ cron: '0 0 1 1 *', execute: { splits: ['dev'], numRows: 2 }, gate: { maxErrorRate: 1 } });
    const p = { scheduleUid: s.scheduleUid, workflowId: `${s.scheduleId}-retried` };
    const { runUid } = await recordScheduledRun(jf, p);
    expect(await recordScheduledRun(jf, p)).toEqual({ runUid });
    const started = await startScheduledRunExecution(jf, { runUid });
    expect(await startScheduledRunExecution(jf, { runUid })).toEqual(started);
    // The execution never ran (no workflow here): the run fails without a gate, once.
    await jf.db.query("UPDATE benchmark_executions SET status = 'failed', error = 'test' WHERE uid = $1", [
      started.benchmarkExecutionUid,
    ]);
    const outcome = await finishScheduledRun(jf, { runUid });
    expect(outcome).toEqual({
      runUid,
      benchmarkExecutionUid: started.benchmarkExecutionUid,
      gateUid: null,
      passed: false,
      note: `benchmark execution ${started.benchmarkExecutionUid} failed: test`,
    });
    expect(await finishScheduledRun(jf, { runUid })).toEqual(outcome);
    expect(await s.runs()).toHaveLength(1);
    const executions = await jf.db.query('SELECT uid FROM benchmark_executions WHERE name = $1', [
      `Scheduled run ${runUid} of schedule ${s.scheduleUid}`,
    ]);
    expect(executions.rows).toHaveLength(1);
  });

  it('pauses, resumes and deletes; a deleted schedule keeps its runs', async () => {
    const s = await create({ every: '1d', gate: { minKappa: 0.1 } });
    expect((await s.pause()).paused).toBe(true);
    expect((await BenchmarkSchedule.get(s.scheduleUid, jf)).paused).toBe(true);
    expect((await s.resume()).paused).toBe(false);
    expect((await BenchmarkSchedule.list(benchmark.benchmarkUid, jf)).map((x) => x.scheduleUid)).toContain(
      s.scheduleUid,
    );
    await s.delete();
    await expect(BenchmarkSchedule.get(s.scheduleUid, jf)).rejects.toThrow(
      new NotFoundError('schedule', s.scheduleUid, 'it was deleted'),
    );
    expect(await BenchmarkSchedule.runs(s.scheduleUid, jf)).toEqual([]);
    expect((await BenchmarkSchedule.list(benchmark.benchmarkUid, jf)).map((x) => x.scheduleUid)).not.toContain(
      s.scheduleUid,
    );
    const client = await jf.temporal();
    await expect(client.schedule.getHandle(s.scheduleId).describe()).rejects.toThrow(/not found/i);
  });

  it('refuses bad input with the bad value named, and leaves nothing behind', async () => {
    const before = (await BenchmarkSchedule.list(benchmark.benchmarkUid, jf)).length;
    const refused = async (options: Parameters<typeof BenchmarkSchedule.create>[1], benchmarkUid?: number) =>
      BenchmarkSchedule.create(benchmarkUid ?? benchmark.benchmarkUid, options, jf).then(
        () => undefined,
        (err: unknown) => err as Error,
      );
    expect(await refused({})).toEqual(
      new ValidationError('a schedule needs exactly one of cron (e.g. "0 3 * * *") or every (e.g. "1h")'),
    );
    expect(await refused({ cron: '0 3 * * *', every: '1h' })).toBeInstanceOf(ValidationError);
    expect((await refused({ every: '5 minutes' }))?.message).toBe(
      'every "5 minutes" is not an interval: expected a whole number with s, m, h or d (e.g. "30m")',
    );
    const badCron = await refused({ cron: 'every day at noon' });
    expect(badCron).toBeInstanceOf(ValidationError);
    expect(badCron?.message).toMatch(/^cron "every day at noon" is not a valid cron expression: /);
    expect(await refused({ every: '1h' }, 999_999)).toEqual(new NotFoundError('benchmark', 999_999));
    expect((await refused({ every: '1h', gate: { minKappa: 2 } }))?.message).toBe(
      'minKappa must be a number from -1 to 1, got 2',
    );
    expect(await refused({ every: '1h', baseline: 999_999 })).toEqual(
      new NotFoundError('benchmark execution', 999_999),
    );
    expect(await refused({ every: '1h', baseline: -3 })).toBeInstanceOf(InvalidGateError);
    expect(await refused({ every: '1h', execute: { splits: ['nope'] } })).toBeInstanceOf(ValidationError);
    expect((await BenchmarkSchedule.list(benchmark.benchmarkUid, jf)).length).toBe(before);
  });

  it('the command line creates, lists, triggers and deletes one, and shows its runs', async () => {
    const queue = jf.config.temporal.taskQueue;
    const json = async (...args: string[]) => {
      const r = await runCli(queue, ['--json', 'schedule', ...args]);
      expect(r.code, r.stderr).toBe(0);
      return JSON.parse(r.stdout) as Record<string, unknown> & { scheduleUid: number };
    };
    const created = await json(
      'create',
      '--benchmark',
      String(benchmark.benchmarkUid),
      '--cron',
      '0 0 1 1 *',
      '--min-accuracy',
      '0.3',
      '--baseline',
      'last-passing',
      '--evaluator',
      String(fast.evaluatorUid),
      '--splits',
      'dev',
    );
    made.push(await BenchmarkSchedule.get(created.scheduleUid, jf));
    expect(created).toMatchObject({
      spec: { cron: '0 0 1 1 *' },
      gate: { minAccuracy: 0.3 },
      baseline: 'last-passing',
      executeOptions: { evaluatorUids: [fast.evaluatorUid], splits: ['dev'] },
    });
    const id = String(created.scheduleUid);
    await json('trigger', id);
    const s = await BenchmarkSchedule.get(created.scheduleUid, jf);
    await waitUntil('the run has ended', async () => (await endedRuns(s)).length === 1, 60_000);

    const runs = await runCli(queue, ['schedule', 'runs', id]);
    expect(runs.code, runs.stderr).toBe(0);
    expect(runs.stdout).toMatch(/passed\s+no earlier passing run/);
    const list = await runCli(queue, ['schedule', 'list', '--benchmark', String(benchmark.benchmarkUid)]);
    expect(list.stdout).toMatch(new RegExp(`${id}\\s+${benchmark.benchmarkUid}\\s+cron "0 0 1 1 \\*" \\(UTC\\)`));
    expect(list.stdout).toContain('accuracy ≥ 0.3, no regression vs last passing');
    expect((await runCli(queue, ['schedule', 'pause', id])).stdout).toContain(`schedule ${id} paused`);
    expect((await runCli(queue, ['schedule', 'resume', id])).stdout).toContain(`schedule ${id} active`);
    expect((await runCli(queue, ['schedule', 'delete', id])).stdout).toContain(`schedule ${id} deleted`);

    const bad = await runCli(queue, ['schedule', 'create', '--benchmark', '1', '--every', '1h', '--baseline', 'best']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('expected "last-passing" or a benchmark execution uid, got "best"');
  });
});
