/**
 * `npm run temporal`: the Temporal dev server with its state in .data/temporal.db (it survives restarts), the Web UI
 * on :8233 and the project's search attributes; a no-op when a server already answers. `npm run temporal -- stop`
 * stops the one started here. Logs: .data/temporal.log.
 */
import fs from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../src/config';
import { JudgeflowError } from '../src/errors';
import { runMain } from '../src/run-main';
import { resolveTemporalCli } from '../tools/temporal-cli';
import { ensureDevServer, processAlive, stopDevServer } from '../tools/temporal-dev-server';

const root = path.resolve(import.meta.dirname, '..');
// JUDGEFLOW_DATA_DIR lets tests keep their server state apart from the developer's.
const dataDir = process.env.JUDGEFLOW_DATA_DIR ?? path.join(root, '.data');
const pidFile = path.join(dataDir, 'temporal.pid');

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
  if (command !== 'start')
    throw new JudgeflowError(
      `unknown command ${JSON.stringify(command)}: use \`npm run temporal\` or \`npm run temporal -- stop\``,
    );

  const server = await ensureDevServer({
    address: temporal.address,
    uiPort,
    dataDir,
    cliPath: resolveTemporalCli,
  });
  if (!server.started) {
    console.log(`Temporal is already running at ${temporal.address}; Web UI: ${temporal.uiUrl}`);
    return;
  }
  const pid = server.pid;
  console.log(
    `Temporal dev server running at ${temporal.address} (pid ${pid}, state in ${path.join(dataDir, 'temporal.db')}, log ${server.logFile})`,
  );
  console.log(`Web UI: http://localhost:${uiPort}`);
});

function readPid(): number | undefined {
  try {
    return Number(fs.readFileSync(pidFile, 'utf8').trim()) || undefined;
  } catch {
    return undefined;
  }
}
