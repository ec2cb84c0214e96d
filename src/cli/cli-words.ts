/**
 * Errors in the command line's words. The services name what was wrong as the SDK spells it (`maxTokens`,
 * `userPrompt`, `PromptEvaluator.create`); a person at the shell typed `--budget-tokens` and `--user-prompt`. One
 * table, by error type, says each in the CLI's words, from the error's own fields; other errors read as they are.
 */
import {
  BudgetNeedsPriceError,
  InvalidBudgetError,
  InvalidGateError,
  MissingModelNameError,
  MissingPromptError,
  NoEvaluatorsError,
  type JudgeflowError,
} from '../errors';

/** The SDK's budget fields and the options that set them. */
const BUDGET_OPTIONS: [RegExp, string][] = [
  [/\bmaxCostUsd\b/g, '--budget-usd'],
  [/\bmaxTokens\b/g, '--budget-tokens'],
];

/** The SDK's gate options and the `judgeflow gate` options that set them. */
const GATE_OPTIONS: [RegExp, string][] = [
  [/\bminAccuracy\b/g, '--min-accuracy'],
  [/\bminKappa\b/g, '--min-kappa'],
  [/\bmaxErrorRate\b/g, '--max-error-rate'],
  [/\bnoSignificantRegression\b/g, '--no-significant-regression'],
  [/\bbaseline\b/g, '--baseline'],
];

/** `message` with each SDK field name replaced by the option that sets it. */
const renamed = (message: string, options: [RegExp, string][]) =>
  options.reduce((text, [sdk, cli]) => text.replace(sdk, cli), message);

// Each entry takes the error as its class declares it (the table is checked by `instanceof` first).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Rewording = [new (...args: any[]) => JudgeflowError, (err: any) => string];

const REWORDINGS: Rewording[] = [
  [
    BudgetNeedsPriceError,
    (e: BudgetNeedsPriceError) =>
      `--budget-usd needs the price of model ${JSON.stringify(e.modelName)}: add it to JUDGEFLOW_MODEL_PRICES ` +
      '(USD per million input and output tokens), or give --budget-tokens instead',
  ],
  [InvalidBudgetError, (e: InvalidBudgetError) => renamed(e.message, BUDGET_OPTIONS)],
  [InvalidGateError, (e: InvalidGateError) => renamed(e.message, GATE_OPTIONS)],
  [
    MissingPromptError,
    () => 'a prompt version needs --user-prompt or --system-prompt (or their -file forms); both were empty or missing',
  ],
  [MissingModelNameError, () => '--model must name a model'],
  [
    NoEvaluatorsError,
    (e: NoEvaluatorsError) =>
      `benchmark ${e.benchmarkUid} has no prompt evaluators to execute; ` +
      'create one with `npx judgeflow evaluator create --criteria <uid> --model <name> --user-prompt <text>`',
  ],
];

/** The error with its message in the CLI's words (the same object, so its type and fields stay). */
export function inCliWords<E extends JudgeflowError>(err: E): E {
  const rewording = REWORDINGS.find(([type]) => err instanceof type);
  if (rewording) err.message = rewording[1](err);
  return err;
}
