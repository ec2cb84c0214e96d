/**
 * `npm run bench`: evaluator-execution throughput on this machine, with durability: BENCH_ROWS rows (default 2000)
 * at concurrency BENCH_CONCURRENCY (64) against the local judge server answering after BENCH_LATENCY_MS (200 ms),
 * through a worker process and the dev server. Prints rows/s against the 130 rows/s target, CPU ms per row of the
 * dev server, the worker, PostgreSQL's backends and this process (client and judge), the worker's and the server's
 * peak memory, and the history length of every workflow run (continue-as-new keeps each far below Temporal's
 * 51,200-event limit).
 */
import { loadConfig } from '../src/config';
import { startJudgeServer } from '../tools/judge-server';
import { runMain } from '../src/run-main';
import { Judgeflow } from '../src/sdk/Judgeflow';
import { resolveTemporalCli } from '../tools/temporal-cli';
import { ensureDevServer } from '../tools/temporal-dev-server';
import path from 'node:path';
import { spawnWorkerProcess } from '../tools/worker-process';
import { deleteBenchmarkData } from './bench-cleanup';
import { cpuPerRow, cpuSample, createBenchEvaluator, executionHistory, peakRssMiB, pidsNamed } from './bench-support';

const rows = Number(process.env.BENCH_ROWS ?? 2000);
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 64);
const latencyMs = Number(process.env.BENCH_LATENCY_MS ?? 200);
const TARGET_ROWS_PER_SECOND = 130;
const taskQueue = 'judgeflow-bench';

await runMain(async () => {
  const config = loadConfig();
  const server = await ensureDevServer({
    address: config.temporal.address,
    uiPort: 8233,
    dataDir: path.resolve(import.meta.dirname, '../.data'),
    cliPath: resolveTemporalCli,
  });
  const judge = await startJudgeServer({ latencyMs });
  const spawned = performance.now();
  const worker = await spawnWorkerProcess({
    TEMPORAL_TASK_QUEUE: taskQueue,
    OPENAI_BASE_URL: judge.url,
    OPENAI_API_KEY: 'bench',
    JUDGEFLOW_MAX_CONCURRENCY: String(Math.max(concurrency, 64)),
  });
  // Process start to "worker running": with the cached workflow bundle, no webpack at start.
  console.log(`worker ready in ${Math.round(performance.now() - spawned)} ms (target ≤ 2000 ms)`);
  const jf = await Judgeflow.connect({
    config: {
      temporal: { taskQueue },
      openai: { baseUrl: judge.url, apiKey: 'bench' },
      concurrency: { max: Math.max(concurrency, 64) },
    },
  });
  try {
    const { evaluator, benchmarkUid } = await createBenchEvaluator(jf, `bench ${Date.now()}`, rows);
    // The dev server this bench started, or the one already running (the Temporal CLI's process).
    const groups = { temporal: server.pid ? [server.pid] : pidsNamed('temporal'), workers: [worker.pid] };

    console.log(
      `bench: ${rows} rows, concurrency ${concurrency}, judge latency ${latencyMs} ms (local judge server), worker process + dev server`,
    );
    const before = cpuSample(groups);
    const started = performance.now();
    const executionUid = await evaluator.execute({ split: 'test', concurrency, sync: true });
    const seconds = (performance.now() - started) / 1000;
    const cpu = cpuPerRow(before, cpuSample(groups), rows);
    const [status, results] = await evaluator.pollExecutionResult(executionUid);
    const scored = Object.values(results).filter((r) => r.score !== null).length;
    const rate = scored / seconds;
    console.log(
      `status ${status}: ${scored}/${rows} rows scored in ${seconds.toFixed(1)} s = ${rate.toFixed(1)} rows/s ` +
        `(target ≥ ${TARGET_ROWS_PER_SECOND}: ${rate >= TARGET_ROWS_PER_SECOND ? 'met' : 'NOT met'}); judge saw max ${judge.stats().maxInFlight} in flight`,
    );

    const { groups: g, total } = cpu;
    console.log(
      `CPU per row: ${total} ms (dev server ${g.temporal}, worker ${g.workers}, PostgreSQL ${g.postgres}, ` +
        `client and judge ${g.client}); peak memory: worker ${peakRssMiB(worker.pid)} MiB, dev server ` +
        `${groups.temporal.map(peakRssMiB).join('+')} MiB`,
    );
    const history = await executionHistory(jf, evaluator.evaluatorUid, executionUid);
    console.log(
      `history: ${history.runs} runs (continue-as-new), events per run: max ${history.maxPerRun}, total ` +
        `${history.events} (${(history.events / rows).toFixed(2)} per row)`,
    );
    if (status !== 'completed' || scored !== rows) process.exitCode = 1;
    await deleteBenchmarkData(jf.db, benchmarkUid);
  } finally {
    await jf.close();
    await worker.stop();
    await judge.close();
  }
});
