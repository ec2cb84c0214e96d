/**
 * The export benchmark: writes `rows` datapoints with two evaluators' results straight into PostgreSQL, runs the
 * export activity for CSV and JSON to each destination (`local`, `s3`, `gs`; s3 and gs against local versitygw and
 * fake-gcs-server through connector configs), each export in a process of its own (export-bench-one.ts), and
 * measures rows/s and peak RSS next to PostgreSQL's own `COPY … TO STDOUT (FORMAT csv)` of the same rows. Used by
 * `npm run bench` (part 5) and `npm run bench:export`.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createExportActivities } from '../activities/export';
import type { Config } from '../src/config';
import { finishBenchmarkExecution } from '../src/db/benchmark-execution.repository';
import { insertExport } from '../src/db/export.repository';
import type { Db } from '../src/db/pool';
import { summarizeBenchmarkExecution } from '../src/services/common/benchmark-summary';
import { createConnectorConfig, deleteConnectorConfig } from '../src/services/client/connector-configs';
import { Storage } from '@google-cloud/storage';
import { startGcsServer, startS3Server, type StorageServer } from '../tools/storage-servers';
import { WORKER_ENV, WORKER_NODE_ARGS } from '../src/worker/runtime';
import { deleteBenchmarkData } from './bench-cleanup';

const exportProcess = path.join(import.meta.dirname, 'export-bench-one.ts');

export interface ExportBenchResult {
  destination: string;
  format: 'csv' | 'json';
  rows: number;
  seconds: number;
  rowsPerSecond: number;
  /** The export's own process (scripts/export-bench-one.ts): RSS before the export started, and its peak. */
  startRssMB: number;
  peakRssMB: number;
}

export interface ExportBenchReport {
  datapoints: number;
  exports: ExportBenchResult[];
  copy: { seconds: number; rowsPerSecond: number };
}

export async function runExportBench(
  config: Config,
  db: Db,
  rows: number,
  destinations: readonly string[],
): Promise<ExportBenchReport> {
  const exports: ExportBenchResult[] = [];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'judgeflow-bench-export-'));
  let cleanup = async () => {};
  const servers: StorageServer[] = [];
  const connectorUids: number[] = [];
  try {
    console.log(`bench:export: ${rows} datapoints × 2 evaluators`);
    const { executionUid, benchmarkUid } = await seed(db, rows);
    // An ended execution has its summary stored when it ends, so its exports do not compute it again.
    await finishBenchmarkExecution(
      db,
      executionUid,
      'completed',
      undefined,
      await summarizeBenchmarkExecution(db, executionUid),
    );
    cleanup = () => deleteBenchmarkData(db, benchmarkUid);
    const activities = createExportActivities({ config, db });
    const targets = await startTargets(config, db, dir, destinations);
    servers.push(...targets.servers);
    connectorUids.push(...targets.connectorUids);
    for (const [destination, format] of destinations.flatMap((d) =>
      (['csv', 'json'] as const).map((f) => [d, f] as const),
    )) {
      const target = targets.byName.get(destination);
      if (!target) throw new Error(`unknown destination ${destination}: use local, s3 or gs`);
      const exportUid = await insertExport(db, {
        benchmarkExecutionUid: executionUid,
        destination: target.location(format),
        format,
        options: {},
        connectorConfigUid: target.connectorConfigUid,
        // Each run of the benchmark writes the same files again.
        overwrite: true,
      });
      const one = JSON.parse(
        // With the node flags and environment of a worker process, which is where exports run.
        execFileSync(process.execPath, [...WORKER_NODE_ARGS, '--import', 'tsx', exportProcess], {
          env: { ...process.env, ...WORKER_ENV, EXPORT_UID: String(exportUid) },
          stdio: ['ignore', 'pipe', 'inherit'],
        })
          .toString()
          .trim()
          .split('\n')
          .at(-1)!,
      ) as { rowsWritten: number; seconds: number; startRssMB: number; peakRssMB: number };
      const { rowsWritten, seconds } = one;
      // Run here without its workflow, which would record the end.
      await activities.finishExport({ exportUid, status: 'completed', rowsWritten });
      const result = {
        destination,
        format,
        rows: rowsWritten,
        seconds: +seconds.toFixed(2),
        rowsPerSecond: Math.round(rowsWritten / seconds),
        startRssMB: one.startRssMB,
        peakRssMB: one.peakRssMB,
      };
      exports.push(result);
      console.log(
        `export ${destination} ${format}: ${rowsWritten} rows in ${seconds.toFixed(1)} s = ${result.rowsPerSecond} rows/s, ` +
          `peak RSS ${result.peakRssMB} MB (${result.startRssMB} MB before it started)`,
      );
    }
    const copyStarted = performance.now();
    execFileSync('psql', [config.databaseUrl, '-q', '-c', `COPY (${copyQuery(executionUid)}) TO STDOUT (FORMAT csv)`], {
      stdio: ['ignore', 'ignore', 'inherit'],
      maxBuffer: 1 << 30,
    });
    const copySeconds = (performance.now() - copyStarted) / 1000;
    console.log(
      `PostgreSQL COPY of the same rows: ${copySeconds.toFixed(1)} s = ${Math.round(rows / copySeconds)} rows/s`,
    );
    return {
      datapoints: rows,
      exports,
      copy: { seconds: +copySeconds.toFixed(2), rowsPerSecond: Math.round(rows / copySeconds) },
    };
  } finally {
    for (const server of servers) await server.stop();
    for (const uid of connectorUids) await deleteConnectorConfig({ config, db }, uid);
    fs.rmSync(dir, { recursive: true, force: true });
    await cleanup();
  }
}

interface Target {
  location: (format: 'csv' | 'json') => string;
  connectorConfigUid: number | null;
}

/** The local file, and (when asked for) an S3 and a GCS bucket on local servers with a connector config each. */
async function startTargets(config: Config, db: Db, dir: string, destinations: readonly string[]) {
  const byName = new Map<string, Target>([
    ['local', { location: (f) => path.join(dir, `export.${f}`), connectorConfigUid: null }],
  ]);
  const servers: StorageServer[] = [];
  const stamp = Date.now();
  if (destinations.includes('s3')) {
    const s3 = await startS3Server(path.join(dir, 's3'), ['bench']);
    servers.push(s3);
    const connector = await createConnectorConfig(
      { config, db },
      {
        name: `bench-s3-${stamp}`,
        type: 's3',
        credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
        options: { endpoint: s3.endpoint, forcePathStyle: true },
      },
    );
    byName.set('s3', { location: (f) => `s3://bench/export.${f}`, connectorConfigUid: connector.uid });
  }
  if (destinations.includes('gs')) {
    const gcs = await startGcsServer(path.join(dir, 'gcs'), []);
    servers.push(gcs);
    await new Storage({ apiEndpoint: gcs.endpoint, projectId: 'bench' }).createBucket('bench');
    const connector = await createConnectorConfig(
      { config, db },
      {
        name: `bench-gcs-${stamp}`,
        type: 'gcs',
        credentials: { client_email: 'bench@example.iam.gserviceaccount.com', private_key: 'unused by the emulator' },
        options: { apiEndpoint: gcs.endpoint, projectId: 'bench' },
      },
    );
    byName.set('gs', { location: (f) => `gs://bench/export.${f}`, connectorConfigUid: connector.uid });
  }
  const connectorUids = [...byName.values()].flatMap((t) =>
    t.connectorConfigUid === null ? [] : [t.connectorConfigUid],
  );
  return { byName, servers, connectorUids };
}

/** The export's rows as one plain query (what COPY is timed on). */
function copyQuery(benchmarkExecutionUid: number): string {
  return `SELECT d.x_uid, d.split, d.data, r.score, r.rationale FROM datapoints d
    JOIN benchmarks b ON b.dataset_uid = d.dataset_uid JOIN benchmark_executions be ON be.benchmark_uid = b.uid
    JOIN evaluator_executions e ON e.benchmark_execution_uid = be.uid
    LEFT JOIN evaluator_results r ON r.execution_uid = e.uid AND r.x_uid = d.x_uid
    WHERE be.uid = ${benchmarkExecutionUid}`;
}

/** A dataset, benchmark, two evaluators and a finished benchmark execution with every row scored. */
async function seed(db: Db, n: number): Promise<{ executionUid: number; benchmarkUid: number }> {
  return db.withTransaction(async (q) => {
    const one = async (sql: string, values: unknown[] = []) =>
      (await q.query<{ uid: number }>(sql, values)).rows[0]!.uid;
    const stamp = `bench-export-${Date.now()}`;
    const dataset = await one(
      `INSERT INTO datasets (name, columns) VALUES ($1, '["question","response"]') RETURNING uid`,
      [stamp],
    );
    await q.query(
      `INSERT INTO datapoints (dataset_uid, x_uid, split, position, data)
       SELECT $1, 'x' || i, 'dev', i, jsonb_build_object('question', 'question ' || i, 'response', 'a "quoted", answer ' || i)
         FROM generate_series(0, $2::int - 1) i`,
      [dataset, n],
    );
    const benchmark = await one(`INSERT INTO benchmarks (name, dataset_uid) VALUES ($1, $2) RETURNING uid`, [
      stamp,
      dataset,
    ]);
    const execution = await one(
      `INSERT INTO benchmark_executions (benchmark_uid, name, created_by, splits, concurrency, status, finished_at)
       VALUES ($1, 'bench', 'bench', '{dev}', 1, 'completed', now()) RETURNING uid`,
      [benchmark],
    );
    for (const name of ['a', 'b']) {
      const criteria = await one(`INSERT INTO criteria (benchmark_uid, name) VALUES ($1, $2) RETURNING uid`, [
        benchmark,
        name,
      ]);
      await q.query(
        `INSERT INTO criteria_labels (criteria_uid, name, score, position) VALUES ($1, 'no', 0, 0), ($1, 'yes', 1, 1)`,
        [criteria],
      );
      await q.query(
        `INSERT INTO ground_truth (criteria_uid, dataset_uid, x_uid, score) SELECT $1, $2, 'x' || i, i % 2 FROM generate_series(0, $3::int - 1) i`,
        [criteria, dataset, n],
      );
      const workflow = await one(`INSERT INTO prompt_workflows DEFAULT VALUES RETURNING uid`);
      const version = await one(
        `INSERT INTO prompt_versions (prompt_workflow_uid, name, user_prompt, model_name) VALUES ($1, 'v1', '{{response}}', 'm') RETURNING uid`,
        [workflow],
      );
      const evaluator = await one(
        `INSERT INTO evaluators (type, benchmark_uid, criteria_uid, name, prompt_workflow_uid) VALUES ('prompt', $1, $2, $3, $4) RETURNING uid`,
        [benchmark, criteria, `judge ${name}`, workflow],
      );
      const ee = await one(
        `INSERT INTO evaluator_executions (evaluator_uid, prompt_version_uid, benchmark_execution_uid, split, concurrency, total_rows, last_position, status)
         VALUES ($1, $2, $3, 'dev', 1, $4, $4 - 1, 'completed') RETURNING uid`,
        [evaluator, version, execution, n],
      );
      await q.query(
        `INSERT INTO evaluator_results (execution_uid, x_uid, score, rationale) SELECT $1, 'x' || i, (i / 3) % 2, 'because ' || i FROM generate_series(0, $2::int - 1) i`,
        [ee, n],
      );
    }
    return { executionUid: execution, benchmarkUid: benchmark };
  });
}
