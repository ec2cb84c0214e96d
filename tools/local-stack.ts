/**
 * Everything a local run needs, started when missing: the Temporal dev server (left running), the local judge server
 * when no OPENAI_API_KEY is set, and a worker on the demo task queue; plus a connected Judgeflow client.
 * Used by `npm run demo` and the examples (on the demo's own database), and `judgeflow dev`.
 */
import path from 'node:path';
import { loadConfig } from '../src/config';
import { dataDir as localDataDir } from '../src/layout';
import { startJudgeServer, type JudgeServer } from './judge-server';
import { Judgeflow } from '../src/sdk/Judgeflow';
import { resolveTemporalCli } from './temporal-cli';
import { ensureDevServer, stopDevServer } from './temporal-dev-server';
import { prepareLocalRun } from './local-setup';
import { spawnWorkerProcess } from './worker-process';

export const DEMO_TASK_QUEUE = 'judgeflow-demo';

export interface LocalStack {
  jf: Judgeflow;
  /** The model evaluators should use: `local-judge` with the local judge server. */
  modelName: string;
  stop(): Promise<void>;
}

export interface LocalStackOptions {
  /** Task queue of the worker and the client (default the demo's own). */
  taskQueue?: string;
  /** Stop the dev server on `stop()` when this call started it (`judgeflow dev`); the demo leaves it running. */
  stopServer?: boolean;
  /**
   * `demo`: the demo's own database beside DATABASE_URL's (created and migrated when missing), so what the demo and
   * the examples make never shifts the uids of the database the command line uses. Default: DATABASE_URL's.
   */
  database?: 'demo' | 'configured';
}

/** The demo's database: JUDGEFLOW_DEMO_DATABASE_URL, else DATABASE_URL's database name with `_demo` appended. */
export function demoDatabaseUrl(databaseUrl: string, env: NodeJS.ProcessEnv = process.env): string {
  if (env.JUDGEFLOW_DEMO_DATABASE_URL) return env.JUDGEFLOW_DEMO_DATABASE_URL;
  const url = new URL(databaseUrl);
  url.pathname = `${url.pathname}_demo`;
  return url.toString();
}

export async function startLocalStack(
  say: (line: string) => void = console.log,
  options: LocalStackOptions = {},
): Promise<LocalStack> {
  const taskQueue = options.taskQueue ?? DEMO_TASK_QUEUE;
  const config = loadConfig();
  const databaseUrl = options.database === 'demo' ? demoDatabaseUrl(config.databaseUrl) : config.databaseUrl;
  // The demo's database is set up here, as `judgeflow dev` sets up DATABASE_URL's (scripts/setup.sh did that one).
  if (options.database === 'demo') await prepareLocalRun({ ...config, databaseUrl }, say);
  // The clone's .data/, or the user's data directory for an installed package (src/layout.ts).
  const dataDir = localDataDir();
  const server = await ensureDevServer({
    address: config.temporal.address,
    uiPort: Number(process.env.TEMPORAL_UI_PORT ?? 8233),
    dataDir,
    cliPath: resolveTemporalCli,
  });
  say(
    server.started
      ? `• started the Temporal dev server at ${config.temporal.address} (state in ${displayPath(path.join(dataDir, 'temporal.db'))}; ${
          options.stopServer ? 'stopped on exit' : 'stop it with `npm run temporal -- stop`'
        })`
      : `• using the Temporal server already running at ${config.temporal.address}`,
  );

  let judge: JudgeServer | undefined;
  const openai = { ...config.openai };
  let modelName = process.env.JUDGEFLOW_DEMO_MODEL ?? 'gpt-4o-mini';
  if (!openai.apiKey) {
    judge = await startJudgeServer({ latencyMs: 300 });
    openai.baseUrl = judge.url;
    openai.apiKey = 'local';
    modelName = 'local-judge';
    say(`• no OPENAI_API_KEY: using the project's local judge server at ${judge.url}`);
    say('  (deterministic answers for offline use, not a real model: agreement with ground truth is at chance level)');
  } else {
    say(`• judging with model ${modelName} at ${openai.baseUrl ?? 'https://api.openai.com/v1'}`);
  }

  const worker = await spawnWorkerProcess({
    DATABASE_URL: databaseUrl,
    TEMPORAL_TASK_QUEUE: taskQueue,
    OPENAI_BASE_URL: openai.baseUrl ?? '',
    OPENAI_API_KEY: openai.apiKey,
  });
  say(`• started a worker on task queue "${taskQueue}" (pid ${worker.pid})`);
  const jf = await Judgeflow.connect({ config: { databaseUrl, temporal: { taskQueue }, openai } });
  return {
    jf,
    modelName,
    async stop() {
      await jf.close();
      await worker.stop();
      await judge?.close();
      if (options.stopServer && server.pid !== undefined) {
        await stopDevServer(server.pid);
        say(`• stopped the Temporal dev server (pid ${server.pid})`);
      }
    },
  };
}

/** A path as short as it reads well: relative when it is under this directory (`.data/temporal.db` in a clone). */
function displayPath(p: string): string {
  const relative = path.relative(process.cwd(), p);
  return relative.startsWith('..') || path.isAbsolute(relative) ? p : relative;
}
