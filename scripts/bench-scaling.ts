/**
 * `npm run bench:scaling`: one execution of BENCH_ROWS rows (default 3000) at concurrency BENCH_CONCURRENCY (64)
 * against the local judge server answering after BENCH_LATENCY_MS (200 ms), on the dev server with one worker, then
 * on the production shape (tools/cluster.ts: Temporal on PostgreSQL, a process per service) with 1, 2 and 3
 * workers. For each: rows/s, CPU ms per row by process group (Temporal, workers, PostgreSQL backends, this client),
 * history events per row, the most PostgreSQL connections open, and how much Temporal's databases grow per row.
 * Writes bench/results/scaling-<date>.json; docs/scaling.md shows the table.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { loadConfig } from '../src/config';
import { runMain } from '../src/run-main';
import { Judgeflow } from '../src/sdk/Judgeflow';
import { clusterDown, clusterStatus, clusterUp, freeClusterPorts, type ClusterOptions } from '../tools/cluster';
import { startJudgeServer, type JudgeServer } from '../tools/judge-server';
import { resolveTemporalCli } from '../tools/temporal-cli';
import { ensureDevServer, stopDevServer } from '../tools/temporal-dev-server';
import { spawnWorkerProcess } from '../tools/worker-process';
import { deleteBenchmarkData } from './bench-cleanup';
import { cpuPerRow, cpuSample, createBenchEvaluator, executionHistory, type ProcessGroups } from './bench-support';
import { replaceBetweenMarkers } from './doc-table';

const rows = Number(process.env.BENCH_ROWS ?? 3000);
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 64);
const latencyMs = Number(process.env.BENCH_LATENCY_MS ?? 200);
const taskQueue = 'judgeflow-bench-scaling';

async function measure(label: string, address: string, groups: () => ProcessGroups) {
  const jf = await Judgeflow.connect({
    config: { temporal: { address, taskQueue }, concurrency: { max: Math.max(concurrency, 64) } },
  });
  const { evaluator, benchmarkUid } = await createBenchEvaluator(jf, `bench scaling ${Date.now()}`, rows);
  try {
    let peakConnections = 0;
    const sampler = setInterval(() => {
      void jf.db
        .query<{ n: number }>('SELECT count(*)::int AS n FROM pg_stat_activity WHERE backend_type = $1', [
          'client backend',
        ])
        .then((r) => (peakConnections = Math.max(peakConnections, r.rows[0]!.n)))
        .catch(() => {});
    }, 500);
    const before = cpuSample(groups());
    const started = performance.now();
    const executionUid = await evaluator.execute({ split: 'test', concurrency, sync: true });
    const seconds = (performance.now() - started) / 1000;
    const cpu = cpuPerRow(before, cpuSample(groups()), rows);
    clearInterval(sampler);
    const history = await executionHistory(jf, evaluator.evaluatorUid, executionUid);
    const result = {
      setup: label,
      rowsPerSecond: Math.round((rows / seconds) * 10) / 10,
      efficiency: Math.round((rows / seconds / (concurrency / (latencyMs / 1000))) * 100) / 100,
      cpuMsPerRow: cpu.groups,
      cpuMsPerRowTotal: cpu.total,
      historyEventsPerRow: +(history.events / rows).toFixed(2),
      runs: history.runs,
      peakPostgresConnections: peakConnections,
    };
    console.log(JSON.stringify(result));
    return result;
  } finally {
    await deleteBenchmarkData(jf.db, benchmarkUid);
    await jf.close();
  }
}

await runMain(async () => {
  const config = loadConfig();
  const judge: JudgeServer = await startJudgeServer({ latencyMs });
  const workerEnv = {
    ...process.env,
    TEMPORAL_TASK_QUEUE: taskQueue,
    OPENAI_BASE_URL: judge.url,
    OPENAI_API_KEY: 'bench',
    JUDGEFLOW_MAX_CONCURRENCY: String(Math.max(concurrency, 64)),
  };
  const results = [];
  let sizeBefore = 0;
  let temporalBytesPerRow: number | undefined;
  console.log(
    `bench:scaling — ${rows} rows, concurrency ${concurrency}, judge latency ${latencyMs} ms, ${os.cpus().length} cores`,
  );
  try {
    // The dev server (SQLite) with one worker.
    const devPorts = await freeClusterPorts(21_233, 100);
    const devAddress = `127.0.0.1:${devPorts.frontendPort}`;
    const devData = fs.mkdtempSync(path.join(os.tmpdir(), 'judgeflow-bench-dev-'));
    const dev = await ensureDevServer({
      address: devAddress,
      uiPort: devPorts.uiPort,
      dataDir: devData,
      cliPath: resolveTemporalCli,
    });
    const worker = await spawnWorkerProcess({
      ...workerEnv,
      TEMPORAL_ADDRESS: devAddress,
      DATABASE_URL: config.databaseUrl,
    });
    try {
      results.push(
        await measure('dev server, 1 worker', devAddress, () => ({ temporal: [dev.pid!], workers: [worker.pid] })),
      );
    } finally {
      await worker.stop();
      await stopDevServer(dev.pid!);
      fs.rmSync(devData, { recursive: true, force: true });
    }

    // The production shape, with more workers each time.
    const { frontendPort, uiPort } = await freeClusterPorts(21_233, 100);
    const o: ClusterOptions = {
      dir: fs.mkdtempSync(path.join(os.tmpdir(), 'judgeflow-bench-cluster-')),
      address: `127.0.0.1:${frontendPort}`,
      namespace: 'default',
      uiPort,
      workers: 1,
      databaseUrl: config.databaseUrl,
      temporalDb: { name: 'temporal_bench', visibilityName: 'temporal_bench_visibility', user: 'temporal' },
      workerEnv,
    };
    const dbSize = async () => {
      const { rows: r } = await admin.query<{ bytes: number }>(
        'SELECT coalesce(sum(pg_database_size(datname)), 0)::float8 AS bytes FROM pg_database WHERE datname = ANY($1)',
        [[o.temporalDb.name, o.temporalDb.visibilityName]],
      );
      return r[0]!.bytes;
    };
    const admin = new pg.Client({ connectionString: config.databaseUrl });
    await admin.connect();
    try {
      for (const workers of [1, 2, 3]) {
        if (workers === 1) {
          await clusterUp({ ...o, workers }, () => {});
          sizeBefore = await dbSize();
        }
        await clusterUp({ ...o, workers }, () => {});
        const groups = () => {
          const status = clusterStatus({ ...o, workers });
          const pids = (prefix: string) => status.filter((p) => p.name.startsWith(prefix) && p.pid).map((p) => p.pid!);
          return { temporal: pids('temporal-'), workers: pids('worker-') };
        };
        results.push(await measure(`cluster, ${workers} worker${workers > 1 ? 's' : ''}`, o.address, groups));
      }
      temporalBytesPerRow = Math.round((await dbSize()) - sizeBefore) / (3 * rows);
    } finally {
      await clusterDown({ ...o, workers: 3 });
      fs.rmSync(o.dir, { recursive: true, force: true });
      // The bench leaves no trace: Temporal's databases go with the cluster.
      for (const db of [o.temporalDb.name, o.temporalDb.visibilityName])
        await admin.query(`DROP DATABASE IF EXISTS "${db}" WITH (FORCE)`);
      await admin.end();
    }
  } finally {
    await judge.close();
  }
  const out = path.resolve(
    import.meta.dirname,
    `../bench/results/scaling-${new Date().toISOString().slice(0, 10)}.json`,
  );
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, JSON.stringify({ rows, concurrency, latencyMs, temporalBytesPerRow, results }, null, 2));
  console.table(
    results.map((r) => ({
      setup: r.setup,
      'rows/s': r.rowsPerSecond,
      efficiency: r.efficiency,
      'CPU ms/row': r.cpuMsPerRowTotal,
      temporal: r.cpuMsPerRow.temporal,
      workers: r.cpuMsPerRow.workers,
      postgres: r.cpuMsPerRow.postgres,
      client: r.cpuMsPerRow.client,
      'events/row': r.historyEventsPerRow,
      'PG conns': r.peakPostgresConnections,
    })),
  );
  console.log(`Temporal's databases grew by ${Math.round(temporalBytesPerRow)} bytes per row on the cluster`);
  console.log(`written to ${out}`);
  if (process.argv.includes('--update')) {
    const doc = path.resolve(import.meta.dirname, '../docs/scaling.md');
    await replaceBetweenMarkers(
      doc,
      '<!-- scaling-table -->',
      '<!-- /scaling-table -->',
      markdownTable(results, temporalBytesPerRow),
    );
    console.log(`updated ${doc}`);
  }
});

/** The table of docs/scaling.md. */
function markdownTable(results: Awaited<ReturnType<typeof measure>>[], temporalBytesPerRow: number): string {
  const lines = results.map(
    (r) =>
      `| ${r.setup} | ${r.rowsPerSecond} | ${r.efficiency} | ${r.cpuMsPerRowTotal} | ${r.cpuMsPerRow.temporal} | ` +
      `${r.cpuMsPerRow.workers} | ${r.cpuMsPerRow.postgres} | ${r.cpuMsPerRow.client} | ${r.historyEventsPerRow} | ` +
      `${r.peakPostgresConnections} |`,
  );
  return [
    `Measured ${new Date().toISOString().slice(0, 10)} with BENCH_ROWS=${rows} BENCH_CONCURRENCY=${concurrency} ` +
      `BENCH_LATENCY_MS=${latencyMs}:`,
    '',
    "| setup | rows/s | of the judge's limit | CPU ms/row | Temporal | workers | PostgreSQL | client + judge | history events/row | PostgreSQL connections |",
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...lines,
    '',
    `Temporal's two databases grew by ${(temporalBytesPerRow / 1000).toFixed(2)} KB per row on the cluster (history ` +
      'itself, `history_node`, is a few hundred\nbytes of it; the rest is mutable state and task tables that are ' +
      'rewritten per row and vacuumed later, and visibility).',
  ].join('\n');
}
