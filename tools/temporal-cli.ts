/** The Temporal CLI binary, located or built (once per machine) by scripts/install-temporal.sh. */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const installScript = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../scripts/install-temporal.sh');

export function resolveTemporalCli(): string {
  return execFileSync('bash', [installScript], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
}
