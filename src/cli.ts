/**
 * `npx judgeflow <noun> <verb>` (or `npm run cli -- …`): define, run, follow, export and report evaluations from
 * the shell. Human-readable output by default, `--json` for scripts; errors are one line with exit code 1.
 */
import { buildProgram } from './cli/program';

await buildProgram().parseAsync();
