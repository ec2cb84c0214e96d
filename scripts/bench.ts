/**
 * `npm run bench [-- flags]`: judgeflow's speed and memory on this machine, with durability, in five parts (see
 * docs/performance.md): 1 throughput (rows at concurrency 16 and 64 against the local judge answering after
 * 200 ms), 2 orchestration overhead (latency 0), 3 start-up (worker ready, execute() to the first model call, a
 * CLI command that only reads), 4 scale (100,000 rows, latency 0, memory sampled), 5 export (1,000,000 datapoints
 * × 2 evaluators, CSV and JSON, next to PostgreSQL's COPY), and `cli`: `judgeflow benchmark list` compiled as the
 * package runs it (docs/packaging.md) and through tsx as a clone runs it, median and p90 of many runs. Starts what it
 * needs (the dev server as shipped, a worker process, the judge server in this process), prints a table and writes
 * bench/results/<date>.json.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Command, Option } from 'commander';
import Table from 'cli-table3';
import { loadConfig } from '../src/config';
import { runMain } from '../src/run-main';
import { Judgeflow } from '../src/sdk/Judgeflow';
import { startJudgeServer, type JudgeServer, type JudgeServerBehaviour } from '../tools/judge-server';
import { resolveTemporalCli } from '../tools/temporal-cli';
import { ensureDevServer } from '../tools/temporal-dev-server';
import { spawnWorkerProcess, type WorkerProcess } from '../tools/worker-process';
import { deleteBenchmarkData } from './bench-cleanup';
import {
  cpuPerRow,
  cpuSample,
  createBenchEvaluator,
  executionHistory,
  pidsNamed,
  rssMiB,
  type ProcessGroups,
} from './bench-support';
import { summarizeCpuProfile, type ProfileSummary } from './cpu-profile-summary';
import type { ExportBenchReport } from './export-bench';

const PARTS = ['throughput', 'overhead', 'startup', 'scale', 'export', 'cli'] as const;
type Part = (typeof PARTS)[number];
/** The parts that need the dev server, the judge server and a worker. */
const STACK_PARTS: readonly Part[] = ['throughput', 'overhead', 'startup', 'scale'];
const root = path.resolve(import.meta.dirname, '..');
const integers = (v: string) => v.split(',').map((n) => Number.parseInt(n, 10));

const program = new Command('npm run bench --')
  .addOption(new Option('--parts <list>', 'parts to run, comma-separated').default(PARTS.join(',')))
  .option('--rows <n>', 'rows of each throughput and overhead run', Number, 5000)
  .option('--concurrency <list>', 'throughput concurrencies, comma-separated', integers, [16, 64])
  .option('--latency <ms>', "the judge's latency in the throughput runs", Number, 200)
  .option('--faults <json>', 'judge server faults (JudgeServerBehaviour), e.g. {"serverErrors":{"fraction":0.05}}')
  .option('--scale-rows <n>', 'rows of the scale run', Number, 100_000)
  .option('--export-rows <n>', 'datapoints of the export run (× 2 evaluators)', Number, 1_000_000)
  .option('--export-destinations <list>', 'local, s3, gs', 'local')
  .option('--cli-runs <n>', 'runs of each command of the cli part', Number, 20)
  .option('--cli <command>', 'the judgeflow command the cli part times (default: dist/ of this clone, built first)')
  .option('--cli-baseline <clone>', 'the cli part also times bin/ of this clone of another commit (e.g. the parent)')
  .option('--profile', 'run the worker with --cpu-prof and print the top entries of each thread')
  .option('--out <file>', 'where to write the results (default bench/results/<date>.json)');
program.parse();
const opts = program.opts<{
  parts: string;
  rows: number;
  concurrency: number[];
  latency: number;
  faults?: string;
  scaleRows: number;
  exportRows: number;
  exportDestinations: string;
  cliRuns: number;
  cli?: string;
  cliBaseline?: string;
  profile?: boolean;
  out?: string;
}>();
const parts = new Set(opts.parts.split(',').map((p) => p.trim()));
for (const p of parts)
  if (!(PARTS as readonly string[]).includes(p))
    program.error(`--parts: unknown part "${p}"; expected ${PARTS.join(', ')}`);
for (const [flag, n] of Object.entries({
  '--rows': opts.rows,
  '--scale-rows': opts.scaleRows,
  '--export-rows': opts.exportRows,
  '--cli-runs': opts.cliRuns,
}))
  if (!Number.isInteger(n) || n < 1) program.error(`${flag}: expected a positive integer, got ${n}`);
if (opts.concurrency.some((c) => !Number.isInteger(c) || c < 1 || c > 256))
  program.error(`--concurrency: expected integers from 1 to 256, got ${opts.concurrency.join(',')}`);
const faults = parseFaults(opts.faults);
const has = (p: Part) => parts.has(p);

interface RunFigures {
  rows: number;
  /** Requests the judge server received per row, and how many of them were aborted: 1 and 0 when nothing is bought twice. */
  modelCalls: { perRow: number; aborted: number };
  concurrency: number;
  latencyMs: number;
  seconds: number;
  rowsPerSecond: number;
  /** rows/s ÷ (concurrency ÷ latency); undefined at latency 0. */
  efficiency?: number;
  cpuMsPerRow: { temporal: number; worker: number; postgres: number; client: number; total: number };
  events: { perRow: number; maxPerRun: number; runs: number };
  judgeMaxInFlight: number;
  memory?: { worker: MemorySamples; server: MemorySamples };
}
interface MemorySamples {
  startMiB: number;
  peakMiB: number;
  endMiB: number;
}

await runMain(async () => {
  const config = loadConfig();
  const results: Record<string, unknown> = {
    date: new Date().toISOString(),
    machine: { cpus: os.cpus().length, memoryGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version },
    options: opts,
  };
  if (has('cli')) results.cli = cliReads(opts.cliRuns, opts.cli, opts.cliBaseline);
  if (STACK_PARTS.some(has)) await stackParts(config, results);
  if (has('export')) results.export = exportBench(opts.exportRows, opts.exportDestinations);

  printTable(results);
  const out = opts.out ?? path.join(root, 'bench/results', `${new Date().toISOString().slice(0, 10)}.json`);
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`results: ${path.relative(process.cwd(), out)}`);
});

/** Parts 1–4: against the dev server, the judge server and one worker process. */
async function stackParts(config: ReturnType<typeof loadConfig>, results: Record<string, unknown>): Promise<void> {
  const server = await ensureDevServer({
    address: config.temporal.address,
    uiPort: 8233,
    dataDir: path.join(root, '.data'),
    cliPath: resolveTemporalCli,
  });
  const judge = await startJudgeServer({ latencyMs: opts.latency, ...faults });
  const taskQueue = `judgeflow-bench-${process.pid}`;
  const maxConcurrency = Math.max(64, ...opts.concurrency);
  const profileDir = opts.profile ? fs.mkdtempSync(path.join(os.tmpdir(), 'judgeflow-profile-')) : undefined;

  const spawned = performance.now();
  const worker = await spawnWorkerProcess(
    {
      TEMPORAL_TASK_QUEUE: taskQueue,
      OPENAI_BASE_URL: judge.url,
      OPENAI_API_KEY: 'bench',
      JUDGEFLOW_MAX_CONCURRENCY: String(maxConcurrency),
    },
    { nodeArgs: profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [] },
  );
  const workerReadyMs = Math.round(performance.now() - spawned);
  const jf = await Judgeflow.connect({
    config: {
      temporal: { taskQueue },
      openai: { baseUrl: judge.url, apiKey: 'bench' },
      concurrency: { max: maxConcurrency },
    },
  });
  // The dev server this bench started, or the one already running (the Temporal CLI's process).
  const groups: ProcessGroups = { temporal: server.pid ? [server.pid] : pidsNamed('temporal'), workers: [worker.pid] };
  const run = (rows: number, concurrency: number, latencyMs: number, sampleMemory = false) =>
    runExecution({ jf, judge, groups, worker }, rows, concurrency, latencyMs, sampleMemory);
  try {
    if (has('startup')) results.startup = { workerReadyMs, ...(await startup(jf, judge)) };
    if (has('throughput'))
      results.throughput = await sequence(opts.concurrency, (c) => run(opts.rows, c, opts.latency));
    if (has('overhead')) results.overhead = await run(opts.rows, 64, 0);
    if (has('scale')) results.scale = await run(opts.scaleRows, 64, 0, true);
  } finally {
    await jf.close();
    await worker.stop();
    await judge.close();
  }
  if (profileDir) results.profile = profiles(profileDir);
}

async function sequence<T, R>(items: readonly T[], fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (const item of items) out.push(await fn(item));
  return out;
}

function parseFaults(json: string | undefined): Omit<JudgeServerBehaviour, 'latencyMs'> {
  if (!json) return {};
  try {
    const parsed = JSON.parse(json) as unknown;
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object');
    return parsed;
  } catch (err) {
    return program.error(`--faults: expected a JSON object of judge server faults, got ${json} (${String(err)})`);
  }
}

/** One execution of `rows` rows, timed from execute() to completed, with CPU per row of every process. */
async function runExecution(
  ctx: { jf: Judgeflow; judge: JudgeServer; groups: ProcessGroups; worker: WorkerProcess },
  rows: number,
  concurrency: number,
  latencyMs: number,
  sampleMemory: boolean,
): Promise<RunFigures> {
  const { jf, judge, groups, worker } = ctx;
  const name = `bench ${Date.now()}`;
  const { evaluator, benchmarkUid } = await createBenchEvaluator(jf, name, rows, `local-judge:latency=${latencyMs}`);
  console.log(`bench: ${rows} rows, concurrency ${concurrency}, judge latency ${latencyMs} ms`);
  const memory = sampleMemory ? memorySampler(worker.pid, groups.temporal[0]!) : undefined;
  judge.resetStats();
  const before = cpuSample(groups);
  const started = performance.now();
  const executionUid = await evaluator.execute({ split: 'test', concurrency, sync: true });
  const seconds = (performance.now() - started) / 1000;
  const cpu = cpuPerRow(before, cpuSample(groups), rows);
  const [status, results] = await evaluator.pollExecutionResult(executionUid);
  const scored = Object.values(results).filter((r) => r.score !== null).length;
  if (status !== 'completed' || scored !== rows) {
    process.exitCode = 1;
    console.error(`bench: execution ${executionUid} ended ${status} with ${scored}/${rows} rows scored`);
  }
  const history = await executionHistory(jf, evaluator.evaluatorUid, executionUid);
  await deleteBenchmarkData(jf.db, benchmarkUid);
  const rowsPerSecond = +(scored / seconds).toFixed(1);
  const figures: RunFigures = {
    rows,
    concurrency,
    latencyMs,
    seconds: +seconds.toFixed(2),
    rowsPerSecond,
    efficiency: latencyMs > 0 ? +(rowsPerSecond / (concurrency / (latencyMs / 1000))).toFixed(3) : undefined,
    cpuMsPerRow: {
      temporal: cpu.groups.temporal,
      worker: cpu.groups.workers,
      postgres: cpu.groups.postgres,
      client: cpu.groups.client,
      total: cpu.total,
    },
    events: { perRow: +(history.events / rows).toFixed(2), maxPerRun: history.maxPerRun, runs: history.runs },
    judgeMaxInFlight: judge.stats().maxInFlight,
    modelCalls: { perRow: +(judge.stats().requests / rows).toFixed(3), aborted: judge.stats().aborted },
    memory: memory?.stop(),
  };
  console.log(
    `  ${rowsPerSecond} rows/s${figures.efficiency ? ` (${figures.efficiency} of the limit)` : ''}, ` +
      `CPU ${cpu.total} ms/row, ${figures.events.perRow} events/row, ` +
      `${figures.modelCalls.perRow} model calls/row (${figures.modelCalls.aborted} aborted)`,
  );
  return figures;
}

/** RSS of the worker and the dev server every second: at the start, the peak and the end. */
function memorySampler(workerPid: number, serverPid: number) {
  const track = (pid: number) => {
    const startMiB = rssMiB(pid);
    return { startMiB, peakMiB: startMiB, endMiB: startMiB };
  };
  const samples = { worker: track(workerPid), server: track(serverPid) };
  const sample = () => {
    for (const [key, pid] of [
      ['worker', workerPid],
      ['server', serverPid],
    ] as const) {
      const now = rssMiB(pid);
      samples[key].endMiB = now;
      samples[key].peakMiB = Math.max(samples[key].peakMiB, now);
    }
  };
  const timer = setInterval(sample, 1000);
  return {
    stop: () => {
      clearInterval(timer);
      sample();
      return samples;
    },
  };
}

/** execute() to the judge's first request (3 executions, the first with a cold worker), and a CLI read. */
async function startup(jf: Judgeflow, judge: JudgeServer) {
  const { evaluator, benchmarkUid } = await createBenchEvaluator(jf, `bench startup ${Date.now()}`, 4);
  const firstCallMs: number[] = [];
  for (let i = 0; i < 3; i++) {
    judge.resetStats();
    const started = performance.now();
    const uid = await evaluator.execute({ split: 'test', concurrency: 1 });
    await evaluator.pollExecutionResult(uid, { sync: true });
    firstCallMs.push(Math.round(judge.stats().firstAt! - started));
  }
  await deleteBenchmarkData(jf.db, benchmarkUid);
  // A command that only reads: `judgeflow benchmark list`, through bin/ as a user runs it (tsx, no build step).
  const cliMs: number[] = [];
  for (let i = 0; i < 3; i++) {
    const started = performance.now();
    const cli = spawnSync(process.execPath, [path.join(root, 'bin/judgeflow.mjs'), 'benchmark', 'list'], {
      cwd: root,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    if (cli.status !== 0) throw new Error(`judgeflow benchmark list failed: ${cli.stderr.toString()}`);
    cliMs.push(Math.round(performance.now() - started));
  }
  console.log(
    `start-up: execute() to first model call ${firstCallMs.join(' / ')} ms; CLI read ${cliMs.join(' / ')} ms`,
  );
  return { executeToFirstCallMs: firstCallMs, cliReadMs: cliMs };
}

interface CliTimes {
  command: string;
  runsMs: number[];
  medianMs: number;
  p90Ms: number;
}

/**
 * The cli part: `judgeflow benchmark list` against DATABASE_URL, compiled (the package's dist/, or `--cli`), through
 * tsx from this clone's bin/ and, with `--cli-baseline`, from another clone's bin/, with `node -e 0` for Node's own
 * start; the runs take turns, so a busy machine slows them alike.
 */
function cliReads(runs: number, cli: string | undefined, baseline: string | undefined): Record<string, CliTimes> {
  if (!cli) execFileSync(process.execPath, ['--import', 'tsx', path.join(root, 'scripts/build.ts')], { cwd: root });
  const commands: Record<string, string[]> = {
    compiled: cli ? cli.split(' ') : [process.execPath, path.join(root, 'dist/src/cli.js')],
    tsx: [process.execPath, path.join(root, 'bin/judgeflow.mjs')],
    ...(baseline && { baseline: [process.execPath, path.join(path.resolve(baseline), 'bin/judgeflow.mjs')] }),
    node: [process.execPath, '-e', '0'],
  };
  const times: Record<string, number[]> = Object.fromEntries(Object.keys(commands).map((name) => [name, []]));
  for (let i = 0; i < runs; i++) {
    for (const [name, [file, ...args]] of Object.entries(commands)) {
      const read = name === 'node' ? args : [...args, 'benchmark', 'list'];
      const started = performance.now();
      const r = spawnSync(file!, read, { cwd: os.tmpdir(), stdio: ['ignore', 'ignore', 'pipe'] });
      if (r.status !== 0) throw new Error(`${[file, ...read].join(' ')} failed: ${r.stderr.toString()}`);
      times[name]!.push(Math.round(performance.now() - started));
    }
  }
  const summary = (name: string): CliTimes => {
    const sorted = [...times[name]!].sort((a, b) => a - b);
    const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
    return { command: commands[name]!.join(' '), runsMs: times[name]!, medianMs: at(0.5), p90Ms: at(0.9) };
  };
  const result = Object.fromEntries(Object.keys(commands).map((name) => [name, summary(name)]));
  for (const [name, t] of Object.entries(result))
    console.log(`cli read ${name.padEnd(8)} median ${t.medianMs} ms, p90 ${t.p90Ms} ms (${runs} runs): ${t.command}`);
  return result;
}

/** Part 5 in its own process, so its peak RSS is the export's alone. */
function exportBench(rows: number, destinations: string): ExportBenchReport {
  const out = path.join(os.tmpdir(), `judgeflow-export-bench-${process.pid}.json`);
  execFileSync(process.execPath, ['--import', 'tsx', path.join(root, 'scripts/bench-export.ts')], {
    cwd: root,
    stdio: 'inherit',
    env: {
      ...process.env,
      BENCH_EXPORT_ROWS: String(rows),
      BENCH_EXPORT_DESTINATIONS: destinations,
      BENCH_EXPORT_JSON: out,
    },
  });
  const report = JSON.parse(fs.readFileSync(out, 'utf8')) as ExportBenchReport;
  fs.rmSync(out, { force: true });
  return report;
}

function profiles(dir: string): ProfileSummary[] {
  const summaries = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.cpuprofile'))
    .map((f) => summarizeCpuProfile(path.join(dir, f)));
  for (const s of summaries) {
    console.log(`profile ${s.file}: busy ${s.busyMs} of ${s.totalMs} ms`);
    for (const t of s.top)
      console.log(`  ${String(t.selfMs).padStart(6)} ms ${(t.share * 100).toFixed(1)} %  ${t.name}`);
  }
  console.log(`profiles: ${dir}`);
  return summaries;
}

function printTable(results: Record<string, unknown>): void {
  const table = new Table({
    head: ['run', 'rows/s', 'of limit', 'CPU ms/row (Temporal / worker / PG / client)', 'events/row', 'memory MiB'],
  });
  const runs = [
    ...((results.throughput as RunFigures[] | undefined) ?? []).map((r) => [`throughput C=${r.concurrency}`, r]),
    ...(results.overhead ? [['overhead, latency 0', results.overhead]] : []),
    ...(results.scale ? [['scale, latency 0', results.scale]] : []),
  ] as [string, RunFigures][];
  for (const [label, r] of runs) {
    const c = r.cpuMsPerRow;
    const memory = r.memory
      ? `worker ${r.memory.worker.startMiB}/${r.memory.worker.peakMiB}/${r.memory.worker.endMiB}, ` +
        `server ${r.memory.server.startMiB}/${r.memory.server.peakMiB}/${r.memory.server.endMiB}`
      : '';
    table.push([
      `${label} (${r.rows} rows)`,
      r.rowsPerSecond,
      r.efficiency ?? '—',
      `${c.total} (${c.temporal} / ${c.worker} / ${c.postgres} / ${c.client})`,
      r.events.perRow,
      memory,
    ]);
  }
  if (runs.length > 0) console.log(table.toString());
  const exp = results.export as ExportBenchReport | undefined;
  if (exp)
    for (const e of exp.exports)
      console.log(
        `export ${e.destination} ${e.format}: ${e.rowsPerSecond} rows/s = ` +
          `${(e.rowsPerSecond / exp.copy.rowsPerSecond).toFixed(2)} × COPY (${exp.copy.rowsPerSecond} rows/s), peak RSS ${e.peakRssMB} MB`,
      );
}
