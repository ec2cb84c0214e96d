/**
 * The command line's number options are read in plain decimal, and integers where an integer is meant:
 * `--budget-tokens 0.5` reached PostgreSQL (bigint) as a raw error, and `0x10` was read as 16.
 */
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { positiveInt, positiveNumber, tokenCount } from '../../src/cli/common';

/** What commander says for `--opt value`: its error message, or the parsed value. */
function parse(parser: (v: string) => number, value: string): number | string {
  const program = new Command()
    .exitOverride()
    .configureOutput({ writeErr: () => undefined })
    .option('--budget-tokens <n>', 'tokens', parser);
  try {
    program.parse(['--budget-tokens', value], { from: 'user' });
    return program.opts<{ budgetTokens: number }>().budgetTokens;
  } catch (err) {
    return (err as Error).message;
  }
}

describe('number options', () => {
  it.each(['0.5', '0x10', '1e3', '-5', '0', ' 7', '9007199254740992', 'Infinity', ''])(
    'a token count refuses %j, naming the option',
    (value) => {
      const message = parse(tokenCount, value);
      expect(message).toMatch(/option '--budget-tokens <n>' argument .* is invalid/);
      expect(message).toContain('expected a positive whole number of tokens');
    },
  );

  it('a token count takes whole numbers in plain decimal beyond the uid range', () => {
    expect(parse(tokenCount, '16')).toBe(16);
    expect(parse(tokenCount, '5000000000')).toBe(5_000_000_000);
  });

  it.each(['0x10', '1e3', '0b1', ' 2', '-1', '0', 'NaN', 'Infinity', '.'])('an amount refuses %j', (value) => {
    expect(parse(positiveNumber, value)).toMatch(/expected a positive number in plain decimal/);
  });

  it('an amount takes plain decimals', () => {
    expect(parse(positiveNumber, '0.5')).toBe(0.5);
    expect(parse(positiveNumber, '12')).toBe(12);
    expect(parse(positiveNumber, '.25')).toBe(0.25);
  });

  it('other integers refuse hexadecimal and fractions too', () => {
    expect(parse(positiveInt, '0x10')).toMatch(/expected a positive integer/);
    expect(parse(positiveInt, '1.5')).toMatch(/expected a positive integer/);
  });
});
