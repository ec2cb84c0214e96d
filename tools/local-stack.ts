/**
 * Everything a local run needs, started when missing: the Temporal dev server (left running), the local judge server
 * when no OPENAI_API_KEY is set, and a worker on the demo task queue; plus a connected Judgeflow client.
 * Used by `npm run demo` and the examples (on the demo's own database), and `judgeflow dev`.
 */
import path from 'node:path';
import { loadConfig } from '../src/config';
import { dataDir as localDataDir } from '../src/layout';
import { startJudgeServer } from './judge-server';
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
  /**
   * Ctrl-C during start-up: stops what was started so far and rejects with the signal's reason (nothing is left
   * running that `stop()` would have stopped).
   */
  signal?: AbortSignal;
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
  const { signal } = options;
  // What `stop()` undoes, in the order it was started; undone in reverse, also when start-up fails halfway.
  const started: Array<() => Promise<void>> = [];
  const stop = () => undoAll(started);
  try {
    const parts = await startParts(say, options, started);
    signal?.throwIfAborted();
    return { ...parts, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

async function startParts(
  say: (line: string) => void,
  options: LocalStackOptions,
  started: Array<() => Promise<void>>,
): Promise<Omit<LocalStack, 'stop'>> {
  const { signal } = options;
  const taskQueue = options.taskQueue ?? DEMO_TASK_QUEUE;
  const config = loadConfig();
  const databaseUrl = options.database === 'demo' ? demoDatabaseUrl(config.databaseUrl) : config.databaseUrl;
  // The demo's database is set up here, as `judgeflow dev` sets up DATABASE_URL's (scripts/setup.sh did that one).
  if (options.database === 'demo') await prepareLocalRun({ ...config, databaseUrl }, say);
  signal?.throwIfAborted();
  // The clone's .data/, or the user's data directory for an installed package (src/layout.ts).
  const dataDir = localDataDir();
  const server = await ensureDevServer({
    address: config.temporal.address,
    uiPort: Number(process.env.TEMPORAL_UI_PORT ?? 8233),
    dataDir,
    cliPath: resolveTemporalCli,
    signal,
  });
  if (options.stopServer && server.pid !== undefined) {
    const pid = server.pid;
    started.push(async () => {
      await stopDevServer(pid);
      say(`• stopped the Temporal dev server (pid ${pid})`);
    });
  }
  say(
    server.started
      ? `• started the Temporal dev server at ${config.temporal.address} (state in ${displayPath(path.join(dataDir, 'temporal.db'))}; ${
          options.stopServer ? 'stopped on exit' : 'stop it with `npm run temporal -- stop`'
        })`
      : `• using the Temporal server already running at ${config.temporal.address}`,
  );
  signal?.throwIfAborted();

  const openai = { ...config.openai };
  let modelName = process.env.JUDGEFLOW_DEMO_MODEL ?? 'gpt-4o-mini';
  if (!openai.apiKey) {
    const judge = await startJudgeServer({ latencyMs: 300 });
    started.push(() => judge.close());
    openai.baseUrl = judge.url;
    openai.apiKey = 'local';
    modelName = 'local-judge';
    say(`• no OPENAI_API_KEY: using the project's local judge server at ${judge.url}`);
    say('  (deterministic answers for offline use, not a real model: agreement with ground truth is at chance level)');
  } else {
    say(`• judging with model ${modelName} at ${openai.baseUrl ?? 'https://api.openai.com/v1'}`);
  }
  signal?.throwIfAborted();

  const worker = await spawnWorkerProcess(
    {
      DATABASE_URL: databaseUrl,
      TEMPORAL_TASK_QUEUE: taskQueue,
      OPENAI_BASE_URL: openai.baseUrl ?? '',
      OPENAI_API_KEY: openai.apiKey,
    },
    { signal },
  );
  started.push(() => worker.stop());
  say(`• started a worker on task queue "${taskQueue}" (pid ${worker.pid})`);
  const jf = await Judgeflow.connect({ config: { databaseUrl, temporal: { taskQueue }, openai } });
  started.push(() => jf.close());
  return { jf, modelName };
}

/** Runs every undo, last started first, each even when an earlier one failed; then throws what failed. */
async function undoAll(started: Array<() => Promise<void>>): Promise<void> {
  const failures: unknown[] = [];
  while (started.length > 0) {
    const undo = started.pop()!;
    try {
      await undo();
    } catch (err) {
      failures.push(err);
    }
  }
  if (failures.length === 1) throw failures[0];
  if (failures.length > 1) throw new AggregateError(failures, 'stopping the local stack failed in several steps');
}

/** A path as short as it reads well: relative when it is under this directory (`.data/temporal.db` in a clone). */
function displayPath(p: string): string {
  const relative = path.relative(process.cwd(), p);
  return relative.startsWith('..') || path.isAbsolute(relative) ? p : relative;
}
