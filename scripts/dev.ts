/**
 * `judgeflow dev` (or `npm run dev`): a whole local setup in one command — the database and its migrations, the
 * Temporal dev server (Web UI on :8233), the local judge server when no OPENAI_API_KEY is set, and a worker on the
 * configured task queue — until Ctrl-C, which stops what this command started (a dev server that was already running
 * is left alone), also when it comes during start-up. The same in a clone and in an installed package
 * (docs/packaging.md).
 */
import { once } from 'node:events';
import path from 'node:path';
import { loadConfig } from '../src/config';
import { CODE_ROOT, COMPILED } from '../src/layout';
import { runMain } from '../src/run-main';
import { prepareLocalRun } from '../tools/local-setup';
import { startLocalStack } from '../tools/local-stack';

// Installed first, so Ctrl-C at any moment stops what was started so far. From a terminal, Ctrl-C reaches this
// process twice (from the terminal, and forwarded by `judgeflow dev`): the handlers stay installed so a second
// signal cannot kill it halfway through stopping.
const stopRequested = new AbortController();
const requestStop = () => {
  stopRequested.abort(new Error('stopped by a signal'));
};
process.on('SIGINT', requestStop);
process.on('SIGTERM', requestStop);
const { signal } = stopRequested;

await runMain(async () => {
  const config = loadConfig();
  await prepareLocalRun(config, console.log);
  let stack;
  try {
    signal.throwIfAborted();
    stack = await startLocalStack(console.log, { taskQueue: config.temporal.taskQueue, stopServer: true, signal });
  } catch (err) {
    if (!signal.aborted) throw err;
    // What had started is stopped (startLocalStack undid it): a requested stop, not a failure.
    console.log('\nstopped during start-up');
    return;
  }
  console.log(`\njudgeflow is ready. Web UI: ${config.temporal.uiUrl}`);
  if (stack.modelName === 'local-judge')
    console.log('Evaluators run with --model local-judge use the local judge server.');
  console.log(`An example dataset to import: ${path.join(CODE_ROOT, 'examples', 'data', 'support-answers.csv')}`);
  console.log(
    `In another shell: ${COMPILED ? 'judgeflow' : 'npx judgeflow'} --help. Ctrl-C stops what this command started.`,
  );
  if (!signal.aborted) await once(signal, 'abort');
  console.log('\nstopping…');
  await stack.stop();
});
