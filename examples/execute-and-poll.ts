/**
 * Reference PromptEvaluator.execute, Example 1: execute the latest prompt version and poll for results.
 * `npm run example:poll [-- <evaluatorUid>]`
 */
import { PromptEvaluator } from '../src';
import { runMain } from '../src/run-main';
import { startLocalStack } from '../tools/local-stack';
import { pickEvaluatorUid } from './pick-evaluator';

await runMain(async () => {
  const stack = await startLocalStack(console.log, { database: 'demo' });
  try {
    const evaluator = await PromptEvaluator.get(await pickEvaluatorUid(stack.jf));
    const promptExecutionUid = await evaluator.execute({ split: 'test', numRows: 100 });
    let results = {};
    for (;;) {
      const [status, partial] = await evaluator.pollExecutionResult(promptExecutionUid, { sync: false });
      results = partial;
      console.log(`Job status: ${status}`);
      if (Object.keys(partial).length) console.log(`Partial results: ${JSON.stringify(partial)}`);
      if (status === 'completed' || status === 'failed' || status === 'cancelled') break;
      await new Promise((r) => setTimeout(r, 1_000)); // the reference sleeps 10 s; this dataset is small
    }
    console.log(`Final results: ${JSON.stringify(results, null, 2)}`);
  } finally {
    await stack.stop();
  }
});
