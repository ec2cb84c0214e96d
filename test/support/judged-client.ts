/**
 * What most integration files start: the local judge server, a Judgeflow client on the run's test database and dev
 * server, and an in-process worker on the client's task queue that calls the judge through the real openai client.
 */
import type { Config } from '../../src/config';
import type { Judgeflow } from '../../src/sdk/Judgeflow';
import { createJudgeClient } from '../../src/llm/judge';
import { startJudgeServer, type JudgeServer, type JudgeServerBehaviour } from '../../tools/judge-server';
import { connectTestClient } from './context';
import { startTestWorker, type TestWorker } from './worker';

export interface JudgedClient {
  jf: Judgeflow;
  judge: JudgeServer;
  worker: TestWorker;
  /** Stops the worker, closes the client and the judge server. */
  stop(): Promise<void>;
}

export async function startJudgedClient(
  taskQueue: string,
  options: {
    apiKey?: string;
    judge?: Partial<JudgeServerBehaviour>;
    llm?: Partial<Config['llm']>;
    /** Another database than the run's test database. */
    databaseUrl?: string;
  } = {},
): Promise<JudgedClient> {
  const apiKey = options.apiKey ?? 'test-key';
  const judge = await startJudgeServer(options.judge);
  const jf = await connectTestClient(taskQueue, options.databaseUrl);
  jf.config.openai.baseUrl = judge.url;
  jf.config.openai.apiKey = apiKey;
  jf.config.llm = { ...jf.config.llm, ...options.llm };
  const llm = createJudgeClient({ baseUrl: judge.url, apiKey, timeoutMs: jf.config.llm.requestTimeoutMs });
  const worker = await startTestWorker(jf, llm);
  return {
    jf,
    judge,
    worker,
    async stop() {
      await worker.stop();
      await jf.close();
      await judge.close();
    },
  };
}
