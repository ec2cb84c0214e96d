/** Which processes are running, for tests that check nothing was left behind (Linux: reads /proc). */
import fs from 'node:fs';

/** The pids of this user's processes whose environment sets `name=value` (e.g. a task queue unique to a test). */
export function processesWithEnv(name: string, value: string): number[] {
  const wanted = `${name}=${value}`;
  return fs
    .readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        const environ = fs.readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
        const state = /^State:\s+(\w)/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
        // A zombie has exited: only its parent has not collected its status yet.
        return state !== 'Z' && environ.includes(wanted);
      } catch {
        return false; // gone meanwhile, or another user's
      }
    })
    .map(Number);
}
