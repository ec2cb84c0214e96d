/**
 * The workflow bundle a worker loads, built once and cached: bundling `workflows/` with webpack takes 1–2 s of CPU,
 * which every worker start would otherwise pay. The cache key is a hash of everything the bundle is made of — the
 * workflow sources, the side-effect-free contracts they import (`src/shared/`, the only other code they may import,
 * by lint) and the installed packages (package-lock.json) — so a changed source or SDK version builds a new one.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import writeFileAtomic from 'write-file-atomic';
import { WORKFLOWS_PATH } from './workflows-path';

const root = path.resolve(path.dirname(WORKFLOWS_PATH), '..');
const SOURCES = [path.join(root, 'workflows'), path.join(root, 'src', 'shared')];

/** Where bundles are kept: the git-ignored `.data/` of the checkout, or the temp dir when that is read-only. */
const CACHE_DIRS = [path.join(root, '.data', 'workflow-bundles'), path.join(os.tmpdir(), 'judgeflow-workflow-bundles')];

/** The path of a bundle for the current sources, building it when there is none yet. */
export async function cachedWorkflowBundle(): Promise<string> {
  const name = `workflow-bundle-${sourceHash()}.js`;
  for (const dir of CACHE_DIRS) if (fs.existsSync(path.join(dir, name))) return path.join(dir, name);
  const noop = () => undefined;
  const { code } = await bundleWorkflowCode({
    workflowsPath: WORKFLOWS_PATH,
    logger: { trace: noop, debug: noop, info: noop, warn: noop, error: console.error, log: noop },
  });
  let lastError: unknown;
  for (const dir of CACHE_DIRS) {
    const file = path.join(dir, name);
    try {
      fs.mkdirSync(dir, { recursive: true });
      // Written aside and renamed, so two workers starting at once never load half a file.
      await writeFileAtomic(file, code);
      return file;
    } catch (err) {
      lastError = err;
    }
  }
  throw lastError;
}

function sourceHash(): string {
  const hash = createHash('sha256');
  const files = SOURCES.flatMap((dir) =>
    fs
      .readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((d) => d.isFile() && d.name.endsWith('.ts'))
      .map((d) => path.join(d.parentPath, d.name)),
  ).sort();
  for (const f of [...files, path.join(root, 'package-lock.json')]) {
    hash.update(path.relative(root, f)).update('\0').update(fs.readFileSync(f)).update('\0');
  }
  return hash.digest('hex').slice(0, 16);
}
