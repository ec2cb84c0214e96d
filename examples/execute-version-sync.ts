/**
 * Reference PromptEvaluator.execute, Example 2: execute a specific prompt version and wait for results.
 * `npm run example:sync [-- <evaluatorUid>]` (creates version "v1.0" first when the evaluator has none by that name).
 */
import { PromptEvaluator } from '../src';
import { runMain } from '../src/run-main';
import { startLocalStack } from '../tools/local-stack';
import { pickEvaluatorUid } from './pick-evaluator';

await runMain(async () => {
  const stack = await startLocalStack(console.log, { database: 'demo' });
  try {
    const evaluator = await PromptEvaluator.get(await pickEvaluatorUid(stack.jf));
    if (!(await evaluator.getVersions()).includes('v1.0')) {
      const latest = await evaluator.getVersion();
      await evaluator.update({
        versionName: 'v1.0',
        systemPrompt: latest.systemPrompt ?? undefined,
        userPrompt: latest.userPrompt ?? undefined,
        modelName: latest.modelName,
        fmHyperparameters: latest.fmHyperparameters ?? undefined,
      });
    }
    const promptExecutionUid = await evaluator.execute({ split: 'train', numRows: 20, versionName: 'v1.0' });
    const [status, results] = await evaluator.pollExecutionResult(promptExecutionUid, { sync: true });
    console.log(`Status: ${status}`);
    console.log(`Results: ${JSON.stringify(results, null, 2)}`);
    // Reference get_executions example.
    for (const execution of await evaluator.getExecutions()) {
      console.log(
        `Execution ${execution.executionUid}: ${execution.createdAt.toISOString()} (${execution.promptVersionName}, ${execution.status})`,
      );
    }
  } finally {
    await stack.stop();
  }
});
