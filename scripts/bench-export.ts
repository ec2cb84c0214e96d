/**
 * `npm run bench:export`: export speed and memory on its own (scripts/export-bench.ts). BENCH_EXPORT_ROWS
 * datapoints (default 200,000) × 2 evaluators to BENCH_EXPORT_DESTINATIONS (default `local,s3,gs`). With
 * BENCH_EXPORT_JSON set, the figures are also written there (`npm run bench` runs this in its own process, so the
 * peak RSS is the export's alone).
 */
import fs from 'node:fs';
import { loadConfig } from '../src/config';
import { createDb } from '../src/db/pool';
import { runMain } from '../src/run-main';
import { runExportBench } from './export-bench';

const rows = Number(process.env.BENCH_EXPORT_ROWS ?? 200_000);
const destinations = (process.env.BENCH_EXPORT_DESTINATIONS ?? 'local,s3,gs').split(',').map((d) => d.trim());

await runMain(async () => {
  const config = loadConfig();
  const db = createDb(config.databaseUrl);
  try {
    const report = await runExportBench(config, db, rows, destinations);
    if (process.env.BENCH_EXPORT_JSON) fs.writeFileSync(process.env.BENCH_EXPORT_JSON, JSON.stringify(report));
  } finally {
    await db.close();
  }
});
