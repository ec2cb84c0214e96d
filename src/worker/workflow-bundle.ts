/**
 * The workflow bundle a worker loads, built once and cached: bundling `workflows/` with webpack takes 1–2 s of CPU,
 * which every worker start would otherwise pay. The cache key is a hash of everything the bundle is made of — the
 * workflow modules, the side-effect-free contracts they import (`src/shared/`, the only other code they may import,
 * by lint) and the SDK bundled with them: in a clone the installed packages (package-lock.json), in a package the
 * versions of the Temporal packages installed beside it — so a changed source or SDK version builds a new one.
 *
 * A clone keeps its bundles in the git-ignored `.data/` (or the temp dir when that is read-only). A package ships
 * the bundle `npm pack` built (`dist/workflow-bundles/`), which its worker loads when the installed SDK is the one it
 * was built with; otherwise the first start builds one into the user cache (`~/.cache/judgeflow/workflow-bundles`).
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import writeFileAtomic from 'write-file-atomic';
import { CODE_ROOT, COMPILED, MODULE_EXTENSION, userCacheDir } from '../layout';
import { WORKFLOWS_PATH } from './workflows-path';

const SOURCES = [path.join(CODE_ROOT, 'workflows'), path.join(CODE_ROOT, 'src', 'shared')];
/** The Temporal packages that go into a bundle (the workflow runtime and what it imports) or build it. */
const BUNDLED_SDK = ['@temporalio/workflow', '@temporalio/common', '@temporalio/worker'];
/** Where a package keeps the bundle built at `npm pack` (prepack). */
export const SHIPPED_BUNDLE_DIR = path.join(CODE_ROOT, 'workflow-bundles');

/** Where bundles are looked for, in order; a new one is written to the first of `writable` that takes it. */
function bundleDirs(): { readable: string[]; writable: string[] } {
  if (!COMPILED) {
    const dirs = [
      path.join(CODE_ROOT, '.data', 'workflow-bundles'),
      path.join(os.tmpdir(), 'judgeflow-workflow-bundles'),
    ];
    return { readable: dirs, writable: dirs };
  }
  // Never a shared temp dir here: a bundle planted there by another user would run in this worker.
  const cache = path.join(userCacheDir(), 'workflow-bundles');
  return { readable: [SHIPPED_BUNDLE_DIR, cache], writable: [cache] };
}

/** The path of a bundle for the current sources, building it when there is none yet. */
export async function cachedWorkflowBundle(): Promise<string> {
  const name = bundleName();
  const { readable, writable } = bundleDirs();
  for (const dir of readable) if (fs.existsSync(path.join(dir, name))) return path.join(dir, name);
  const code = await buildBundle();
  let lastError: unknown;
  for (const dir of writable) {
    try {
      return await writeBundle(dir, name, code);
    } catch (err) {
      lastError = err;
    }
  }
  throw lastError;
}

/** Builds the bundle into `dir` under its cache name (`npm pack` ships it); returns its path. */
export async function writeWorkflowBundle(dir: string): Promise<string> {
  return writeBundle(dir, bundleName(), await buildBundle());
}

async function buildBundle(): Promise<string> {
  const noop = () => undefined;
  const { code } = await bundleWorkflowCode({
    workflowsPath: WORKFLOWS_PATH,
    logger: { trace: noop, debug: noop, info: noop, warn: noop, error: console.error, log: noop },
  });
  return code;
}

async function writeBundle(dir: string, name: string, code: string): Promise<string> {
  const file = path.join(dir, name);
  fs.mkdirSync(dir, { recursive: true });
  // Written aside and renamed, so two workers starting at once never load half a file.
  await writeFileAtomic(file, code);
  return file;
}

function bundleName(): string {
  const hash = createHash('sha256');
  const files = SOURCES.flatMap((dir) =>
    fs
      .readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((d) => d.isFile() && d.name.endsWith(MODULE_EXTENSION))
      .map((d) => path.join(d.parentPath, d.name)),
  ).sort();
  if (!COMPILED) files.push(path.join(CODE_ROOT, 'package-lock.json'));
  for (const f of files) hash.update(path.relative(CODE_ROOT, f)).update('\0').update(fs.readFileSync(f)).update('\0');
  if (COMPILED) {
    // In a package, the SDK that npm installed beside it is what a bundle built here would hold.
    const require = createRequire(import.meta.url);
    for (const name of BUNDLED_SDK) {
      const { version } = require(`${name}/package.json`) as { version: string };
      hash.update(`${name}@${version}\0`);
    }
  }
  return `workflow-bundle-${hash.digest('hex').slice(0, 16)}.js`;
}
