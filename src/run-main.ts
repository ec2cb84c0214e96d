/**
 * Runs a script's main function. A judgeflow error becomes one clear line and exit code 1. Any other error (a bug,
 * an unexpected failure of a dependency) shows its stack when `verbose` (the default for scripts), else one line
 * that says how to see the stack (the command line's `--verbose`).
 */
import { inspect } from 'node:util';
import { terminalCell, terminalText } from './cli/terminal-text';
import { JudgeflowError } from './errors';

export async function runMain(main: () => Promise<void>, options: { verbose?: boolean } = {}): Promise<void> {
  const verbose = options.verbose ?? true;
  try {
    await main();
  } catch (err) {
    // Messages quote values from the data (a column name, a row's error): their control characters are shown, and
    // an error stays one line.
    if (err instanceof JudgeflowError) console.error(`error: ${terminalCell(err.message)}`);
    else if (verbose) console.error(terminalText(inspect(err)));
    else {
      const message = err instanceof Error ? err.message : String(err);
      console.error(`error: ${terminalCell(message.split('\n')[0]!)} (run with --verbose for details)`);
    }
    process.exitCode = 1;
  }
}
