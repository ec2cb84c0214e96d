/**
 * Everything a local run needs, started when missing: the Temporal dev server (left running), the local judge server
 * when no OPENAI_API_KEY is set, and a worker on the demo task queue; plus a connected Judgeflow client.
 * Used by `npm run demo` and the examples.
 */
import path from 'node:path';
import { loadConfig } from '../src/config';
import { startJudgeServer, type JudgeServer } from './judge-server';
import { Judgeflow } from '../src/sdk/Judgeflow';
import { resolveTemporalCli } from './temporal-cli';
import { ensureDevServer, stopDevServer } from './temporal-dev-server';
import { spawnWorkerProcess } from './worker-process';

export const DEMO_TASK_QUEUE = 'judgeflow-demo';
const dataDir = path.resolve(import.meta.dirname, '../.data');

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
}

export async function startLocalStack(
  say: (line: string) => void = console.log,
  options: LocalStackOptions = {},
): Promise<LocalStack> {
  const taskQueue = options.taskQueue ?? DEMO_TASK_QUEUE;
  const config = loadConfig();
  const server = await ensureDevServer({
    address: config.temporal.address,
    uiPort: 8233,
    dataDir,
    cliPath: resolveTemporalCli,
  });
  say(
    server.started
      ? `• started the Temporal dev server at ${config.temporal.address} (state in .data/temporal.db; ${
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
    TEMPORAL_TASK_QUEUE: taskQueue,
    OPENAI_BASE_URL: openai.baseUrl ?? '',
    OPENAI_API_KEY: openai.apiKey,
  });
  say(`• started a worker on task queue "${taskQueue}" (pid ${worker.pid})`);
  const jf = await Judgeflow.connect({ config: { temporal: { taskQueue }, openai } });
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
