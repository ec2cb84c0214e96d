/**
 * `npm run temporal`: the Temporal dev server with its state in .data/temporal.db (it survives restarts), the Web UI
 * on :8233 and the project's search attributes; a no-op when a server already answers. `npm run temporal -- stop`
 * stops the one started here. Logs: .data/temporal.log.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../src/config';
import { JudgeflowError } from '../src/errors';
import { runMain } from '../src/run-main';
import { probeTemporal, processAlive, splitAddress, startDevServer, stopDevServer, waitForTemporal } from '../src/temporal/dev-server';

const root = path.resolve(import.meta.dirname, '..');
// JUDGEFLOW_DATA_DIR lets tests keep their server state apart from the developer's.
const dataDir = process.env.JUDGEFLOW_DATA_DIR ?? path.join(root, '.data');
const pidFile = path.join(dataDir, 'temporal.pid');
const logFile = path.join(dataDir, 'temporal.log');

await runMain(async () => {
  const { temporal } = loadConfig();
  const uiPort = Number(process.env.TEMPORAL_UI_PORT ?? 8233);
  const command = process.argv[2] ?? 'start';
  if (command === 'stop') {
    const pid = readPid();
    if (pid === undefined || !processAlive(pid)) {
      console.log('no Temporal dev server started by `npm run temporal` is running');
      return;
    }
    await stopDevServer(pid);
    fs.rmSync(pidFile, { force: true });
    console.log(`stopped the Temporal dev server (pid ${pid})`);
    return;
  }
  if (command !== 'start') throw new JudgeflowError(`unknown command ${JSON.stringify(command)}: use \`npm run temporal\` or \`npm run temporal -- stop\``);

  const state = await probeTemporal(temporal.address);
  if (state === 'temporal') {
    console.log(`Temporal is already running at ${temporal.address}; Web UI: ${temporal.uiUrl}`);
    return;
  }
  if (state === 'other') {
    const { port } = splitAddress(temporal.address);
    throw new JudgeflowError(
      `port ${port} is in use by a program that is not a Temporal server; stop it or set TEMPORAL_ADDRESS=127.0.0.1:<free port>`,
    );
  }
  const cliPath = execFileSync('bash', [path.join(root, 'scripts/install-temporal.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
  const pid = startDevServer({ cliPath, address: temporal.address, uiPort, dbFilename: path.join(dataDir, 'temporal.db'), logFile });
  fs.writeFileSync(pidFile, String(pid));
  try {
    await waitForTemporal(temporal.address, 60_000, () => processAlive(pid));
  } catch (err) {
    throw new JudgeflowError(`${(err as Error).message}; see ${logFile}`);
  }
  console.log(`Temporal dev server running at ${temporal.address} (pid ${pid}, state in ${path.relative(root, dataDir) || dataDir}/temporal.db, log ${logFile})`);
  console.log(`Web UI: http://localhost:${uiPort}`);
});

function readPid(): number | undefined {
  try {
    return Number(fs.readFileSync(pidFile, 'utf8').trim()) || undefined;
  } catch {
    return undefined;
  }
}
