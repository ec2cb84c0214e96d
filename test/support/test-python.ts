/**
 * The Python that holds the independent implementations tests check judgeflow against (pandas, scikit-learn,
 * statsmodels, scipy), found or installed once by scripts/install-test-python.sh; and a runner that passes JSON in
 * on stdin and reads JSON back from stdout.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';

let python: string | undefined;

export function testPython(): string {
  python ??= execFileSync('bash', [path.resolve(import.meta.dirname, '../../scripts/install-test-python.sh')], {
    encoding: 'utf8',
  }).trim();
  return python;
}

/** Runs `script` with `input` as JSON on stdin; the script writes its answer as JSON to stdout. */
export function runPythonJson(interpreter: string, script: string, input: unknown): unknown {
  const out = execFileSync(interpreter, ['-c', script], { input: JSON.stringify(input), maxBuffer: 1 << 28 });
  return JSON.parse(out.toString('utf8'));
}
