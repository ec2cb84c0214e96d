/** Checks of the options shared by evaluator and benchmark executions, and of the model a version uses. */
import type { Config } from '../config';
import { InvalidConcurrencyError, InvalidNumRowsError, MAX_UID, ModelNotConfiguredError } from '../errors';

export function checkNumRows(numRows: unknown): asserts numRows is number | undefined {
  if (
    numRows !== undefined &&
    (typeof numRows !== 'number' || !Number.isInteger(numRows) || numRows <= 0 || numRows > MAX_UID)
  ) {
    throw new InvalidNumRowsError(numRows);
  }
}

/** The concurrency to use: the given one (1 to JUDGEFLOW_MAX_CONCURRENCY) or JUDGEFLOW_CONCURRENCY. */
export function resolveConcurrency(config: Config, concurrency: unknown): number {
  const value = concurrency ?? config.concurrency.default;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > config.concurrency.max) {
    throw new InvalidConcurrencyError(value, config.concurrency.max);
  }
  return value;
}

/** Refuses a model that cannot be called: no endpoint configured, or not in the JUDGEFLOW_MODELS allow-list. */
export function checkModelAllowed(config: Config, modelName: string): void {
  const { openai, models } = config;
  if (!openai.apiKey && !openai.baseUrl) {
    throw new ModelNotConfiguredError(
      modelName,
      'no model endpoint is configured; set OPENAI_API_KEY (and OPENAI_BASE_URL for a non-OpenAI endpoint), ' +
        'or start the local judge server (`npm run judge-server`) and set OPENAI_BASE_URL to it',
    );
  }
  if (models && !models.includes(modelName)) {
    throw new ModelNotConfiguredError(
      modelName,
      `JUDGEFLOW_MODELS allows ${models.map((m) => JSON.stringify(m)).join(', ')}`,
    );
  }
}
