/** Whether this worker can call a model: the worker holds the model configuration, clients need not. */
import type { Config } from '../../config';
import { allowListProblem } from '../common/execute-options';

/** Why this worker cannot call the model, if it cannot: not in its allow-list, or no endpoint configured. */
export function workerModelProblem(config: Config, modelName: string): string | undefined {
  const problem = allowListProblem(config, modelName);
  if (problem) return `model ${JSON.stringify(modelName)} is not configured on the worker: ${problem}`;
  const own = config.modelConfigs[modelName];
  if (own?.apiKeyEnv && !own.apiKey)
    return (
      `model ${JSON.stringify(modelName)} takes its API key from ${own.apiKeyEnv} (JUDGEFLOW_MODELS), which is not ` +
      "set in the worker's environment"
    );
  if (!own?.baseUrl && !config.openai.apiKey && !config.openai.baseUrl) {
    return (
      'the worker has no model endpoint: set OPENAI_API_KEY (and OPENAI_BASE_URL for a non-OpenAI endpoint) in the ' +
      "worker's environment, or start the local judge server (`npm run judge-server`) and set OPENAI_BASE_URL to it"
    );
  }
  return undefined;
}
