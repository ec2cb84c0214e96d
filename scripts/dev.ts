/**
 * `npx judgeflow dev` (or `npm run dev`): a whole local setup in one command — the Temporal dev server (Web UI on
 * :8233), the local judge server when no OPENAI_API_KEY is set, and a worker on the configured task queue — until
 * Ctrl-C, which stops what this command started (a dev server that was already running is left alone).
 */
import { loadConfig } from '../src/config';
import { runMain } from '../src/run-main';
import { startLocalStack } from '../tools/local-stack';

await runMain(async () => {
  const config = loadConfig();
  const stack = await startLocalStack(console.log, { taskQueue: config.temporal.taskQueue, stopServer: true });
  console.log(`\njudgeflow is ready. Web UI: ${config.temporal.uiUrl}`);
  if (stack.modelName === 'local-judge')
    console.log('Evaluators run with --model local-judge use the local judge server.');
  console.log('In another shell: npx judgeflow --help. Ctrl-C stops what this command started.');
  // From a terminal, Ctrl-C reaches this process twice (from the terminal, and forwarded by `judgeflow dev`):
  // the handlers stay installed so a second signal cannot kill it halfway through stopping.
  await new Promise<void>((resolve) => {
    process.on('SIGINT', () => {
      resolve();
    });
    process.on('SIGTERM', () => {
      resolve();
    });
  });
  console.log('\nstopping…');
  await stack.stop();
});
