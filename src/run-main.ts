/** Runs a script's main function; a judgeflow error becomes one clear line and exit code 1, not a stack trace. */
import { JudgeflowError } from './errors';

export async function runMain(main: () => Promise<void>): Promise<void> {
  try {
    await main();
  } catch (err) {
    if (err instanceof JudgeflowError) {
      console.error(`error: ${err.message}`);
    } else {
      console.error(err);
    }
    process.exitCode = 1;
  }
}
