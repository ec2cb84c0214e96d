/** Errors in the command line's words: the SDK's field names become the options a person typed. */
import { describe, expect, it } from 'vitest';
import { inCliWords } from '../../src/cli/cli-words';
import { InvalidBudgetError, UnknownSplitError } from '../../src/errors';

describe('inCliWords', () => {
  it('names the budget options in a budget error, keeping its type', () => {
    const err = inCliWords(new InvalidBudgetError({ maxTokens: 0.5 }, 'maxTokens must be an integer'));
    expect(err).toBeInstanceOf(InvalidBudgetError);
    expect(err.message).toMatch(/--budget-tokens must be an integer/);
    expect(err.message).not.toMatch(/maxTokens|maxCostUsd/);
  });

  it('leaves an error it has no words for as it is', () => {
    const err = new UnknownSplitError('dev', ['test']);
    expect(inCliWords(err).message).toBe(new UnknownSplitError('dev', ['test']).message);
  });
});
