/**
 * Where judgeflow's own files and its local state are. A clone runs its TypeScript sources through tsx and keeps its
 * state in the git-ignored `.data/`; an installed package (`npm pack`, docs/packaging.md) runs the compiled JavaScript
 * under `dist/`, which mirrors the clone's layout, and keeps its state in per-user directories (the package's own
 * directory may be read-only, and is replaced by the next install).
 */
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = fileURLToPath(import.meta.url);

/** Whether this code is the compiled JavaScript of a package, not the TypeScript sources of a clone. */
export const COMPILED = path.extname(here) === '.js';

/** The clone, or the package's `dist/`: `src/`, `workflows/`, `activities/`, `scripts/` and `tools/` are under it. */
export const CODE_ROOT = path.resolve(path.dirname(here), '..');

/** The extension of judgeflow's own modules here (`.ts` in a clone, `.js` in a package). */
export const MODULE_EXTENSION = COMPILED ? '.js' : '.ts';

const home = (env: NodeJS.ProcessEnv, xdg: string, fallback: string) => env[xdg] || path.join(os.homedir(), fallback);

/**
 * Local state — the dev server's SQLite file, its log and pid, the local secret key: JUDGEFLOW_DATA_DIR, else the
 * clone's `.data/`, else `$XDG_DATA_HOME/judgeflow` (`~/.local/share/judgeflow`).
 */
export function dataDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.JUDGEFLOW_DATA_DIR) return path.resolve(env.JUDGEFLOW_DATA_DIR);
  return COMPILED ? path.join(home(env, 'XDG_DATA_HOME', '.local/share'), 'judgeflow') : path.join(CODE_ROOT, '.data');
}

/** The per-user cache (`$XDG_CACHE_HOME/judgeflow`, `~/.cache/judgeflow`), shared with the Go tools' builds. */
export function userCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(home(env, 'XDG_CACHE_HOME', '.cache'), 'judgeflow');
}

/** The judgeflow programs a process of its own runs (each path under CODE_ROOT, without its extension). */
export type EntryPoint = 'src/worker/main' | 'scripts/dev' | 'scripts/setup-db';

/**
 * Node's arguments that run an entry point: the compiled file, or the source through tsx (by its absolute path, so
 * the child may run in any directory).
 */
export function entryPointArgs(entry: EntryPoint): string[] {
  const file = path.join(CODE_ROOT, entry + MODULE_EXTENSION);
  if (COMPILED) return [file];
  const tsx = createRequire(import.meta.url).resolve('tsx');
  return ['--import', pathToFileURL(tsx).href, file];
}
