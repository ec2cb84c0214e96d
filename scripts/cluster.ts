/**
 * `npm run cluster [-- up|down|status] [--workers N]`: judgeflow's production shape on this machine (see
 * tools/cluster.ts): the Temporal server on PostgreSQL, its Web UI and N judgeflow workers. `up` (the default) is
 * idempotent: a running cluster is left as it is. Logs and pids: .data/cluster/.
 */
import { Command, InvalidArgumentError } from 'commander';
import { loadConfig } from '../src/config';
import { runMain } from '../src/run-main';
import {
  ClusterError,
  clusterDown,
  clusterOptionsFromEnv,
  clusterStatus,
  clusterUp,
  recordedWorkers,
} from '../tools/cluster';

const DEFAULT_WORKERS = 2;

const program = new Command('npm run cluster --')
  .description("judgeflow's production shape on this machine: Temporal on PostgreSQL, its Web UI, N workers")
  .argument('[command]', 'up (default), down or status', 'up')
  .option('--workers <n>', `judgeflow workers to run (default: as many as run now, else ${DEFAULT_WORKERS})`, (v) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1 || n > 16)
      throw new InvalidArgumentError(`expected a whole number of workers from 1 to 16, got ${JSON.stringify(v)}`);
    return n;
  })
  .showHelpAfterError();

program.parse(process.argv);
const command = program.args[0] ?? 'up';
const { workers: asked } = program.opts<{ workers?: number }>();

await runMain(async () => {
  const config = loadConfig();
  // Without --workers, the cluster keeps the workers it was started with (their pid files), else DEFAULT_WORKERS.
  const recorded = recordedWorkers(clusterOptionsFromEnv(config, 0)).length;
  const workers = asked ?? (recorded || DEFAULT_WORKERS);
  const o = clusterOptionsFromEnv(config, workers);
  const where = `Temporal at ${o.address} (namespace ${o.namespace}), Web UI http://127.0.0.1:${o.uiPort}`;
  switch (command) {
    case 'up': {
      const result = await clusterUp(o);
      if (result.alreadyRunning) console.log(`the cluster is already running (nothing to do): ${where}`);
      else console.log(`the cluster is running: ${where}, ${workers} worker(s); logs in ${o.dir}`);
      const endpoint =
        config.openai.apiKey ?? config.openai.baseUrl ?? Object.values(config.modelConfigs).find((m) => m.baseUrl);
      if (!result.alreadyRunning && !endpoint)
        console.log(
          'note: the workers have no model endpoint (OPENAI_API_KEY and OPENAI_BASE_URL are unset), so executions ' +
            'fail until they get one: `npm run cluster -- down`, then start it again with them set (for the local ' +
            'judge: `npm run judge-server` and OPENAI_BASE_URL=http://127.0.0.1:8765/v1)',
        );
      return;
    }
    case 'down': {
      const stopped = await clusterDown(o);
      console.log(stopped.length ? `stopped ${stopped.join(', ')}` : 'the cluster is not running (nothing to stop)');
      return;
    }
    case 'status': {
      const status = clusterStatus(o);
      for (const p of status) {
        const ports = p.ports.map((x) => `${x.what} :${x.port}`).join(', ');
        console.log(`${p.name.padEnd(18)} ${p.pid ? `running (pid ${p.pid})` : 'stopped'}${ports ? `  ${ports}` : ''}`);
      }
      const running = status.filter((p) => p.pid).length;
      console.log(
        running === status.length
          ? `the cluster is running: ${where}`
          : running === 0
            ? 'the cluster is not running: `npm run cluster` starts it'
            : `the cluster is partly running (${running} of ${status.length}): \`npm run cluster\` starts what is missing`,
      );
      return;
    }
    default:
      throw new ClusterError(`unknown command ${JSON.stringify(command)}: use up, down or status`);
  }
});
