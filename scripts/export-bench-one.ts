/**
 * One export of the export benchmark (scripts/export-bench.ts), in a process of its own so that its peak RSS is
 * that export's alone: runs the export activity for EXPORT_UID and prints one JSON line with rows written,
 * seconds, the RSS before it started and the peak RSS (sampled every 50 ms).
 */
import { MockActivityEnvironment } from '@temporalio/testing';
import { createExportActivities } from '../activities/export';
import { loadConfig } from '../src/config';
import { createDb } from '../src/db/pool';
import { runMain } from '../src/run-main';

await runMain(async () => {
  const exportUid = Number(process.env.EXPORT_UID);
  if (!Number.isInteger(exportUid))
    throw new Error(`EXPORT_UID: expected an export uid, got ${process.env.EXPORT_UID}`);
  const config = loadConfig();
  const db = createDb(config.databaseUrl);
  try {
    const activities = createExportActivities({ config, db });
    const startRss = process.memoryUsage().rss;
    let peak = startRss;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
    const started = performance.now();
    const { rowsWritten } = await new MockActivityEnvironment().run<
      [{ exportUid: number }],
      { rowsWritten: number },
      typeof activities.writeExport
    >((input) => activities.writeExport(input), { exportUid });
    const seconds = (performance.now() - started) / 1000;
    clearInterval(sampler);
    peak = Math.max(peak, process.memoryUsage().rss);
    console.log(
      JSON.stringify({
        rowsWritten,
        seconds,
        startRssMB: Math.round(startRss / 1e6),
        peakRssMB: Math.round(peak / 1e6),
      }),
    );
  } finally {
    await db.close();
  }
});
