/**
 * `npm run worker`: a judgeflow worker on the configured task queue. Stops gracefully on SIGINT/SIGTERM, and when
 * started with an IPC channel (tools/worker-process.ts: `judgeflow dev`, the demo, tests) also when the process that
 * started it is gone, however it ended: no worker outlives its supervisor.
 */
import { loadConfig } from '../config';
import { createDb, describeDbError, redactUrl } from '../db/pool';
import { createJudgeClient } from '../llm/judge';
import { runMain } from '../run-main';
import { connectWorker } from './connection';
import { createJudgeflowWorker } from './create-worker';
import { cachedWorkflowBundle } from './workflow-bundle';

let supervisorGone = false;
let stopWorker: (() => void) | undefined;
if (process.channel) {
  // Only there to close: the channel must not keep this process alive once the worker has stopped.
  process.channel.unref();
  process.once('disconnect', () => {
    supervisorGone = true;
    stopWorker?.();
  });
}

await runMain(async () => {
  const config = loadConfig();
  const db = createDb(config.databaseUrl, { max: config.databasePoolMax });
  try {
    await db.query('SELECT 1');
  } catch (err) {
    throw describeDbError(err, config.databaseUrl);
  }
  const connection = await connectWorker(config.temporal);
  const llm = createJudgeClient({
    baseUrl: config.openai.baseUrl,
    apiKey: config.openai.apiKey,
    timeoutMs: config.llm.requestTimeoutMs,
  });
  // Built once per change of the workflow sources (see workflow-bundle.ts), not at every start.
  const workflowBundlePath = await cachedWorkflowBundle();
  const worker = await createJudgeflowWorker({ config, connection, db, llm, workflowBundlePath });
  console.log(
    `judgeflow worker: task queue "${config.temporal.taskQueue}" on ${config.temporal.address} ` +
      `(namespace ${config.temporal.namespace}), database ${redactUrl(config.databaseUrl)}, ` +
      `model endpoint ${config.openai.baseUrl ? redactUrl(config.openai.baseUrl) : 'https://api.openai.com/v1'}`,
  );
  stopWorker = () => {
    if (worker.getState() === 'RUNNING') worker.shutdown();
  };
  try {
    const running = worker.run();
    // Gone while this worker was starting: stop at once.
    if (supervisorGone) stopWorker();
    await running;
  } finally {
    await connection.close();
    await db.close();
  }
  console.log('judgeflow worker stopped');
});
