/** `npm run worker`: a judgeflow worker on the configured task queue. Stops gracefully on SIGINT/SIGTERM. */
import { loadConfig } from './config';
import { createDb, describeDbError, redactUrl } from './db/pool';
import { createJudgeClient } from './llm/judge';
import { connectWorker } from './temporal/connection';
import { createJudgeflowWorker } from './temporal/create-worker';
import { runMain } from './run-main';

await runMain(async () => {
  const config = loadConfig();
  const db = createDb(config.databaseUrl, { max: 20 });
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
  const worker = await createJudgeflowWorker({ config, connection, db, llm });
  console.log(
    `judgeflow worker: task queue "${config.temporal.taskQueue}" on ${config.temporal.address} ` +
      `(namespace ${config.temporal.namespace}), database ${redactUrl(config.databaseUrl)}, ` +
      `model endpoint ${config.openai.baseUrl ? redactUrl(config.openai.baseUrl) : 'https://api.openai.com/v1'}`,
  );
  try {
    await worker.run();
  } finally {
    await connection.close();
    await db.close();
  }
  console.log('judgeflow worker stopped');
});
