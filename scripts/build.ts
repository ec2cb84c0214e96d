/**
 * `npm run build` (and `npm pack`'s prepack): the compiled package under `dist/`, laid out like the clone so that every
 * path the code takes relative to itself holds there too (docs/packaging.md):
 * 1. `tsc -p tsconfig.build.json` compiles src/, workflows/, activities/ and the entry points of `judgeflow dev` and
 *    `judgeflow migrate` to ESM JavaScript (with declarations for the SDK), then tsc-alias gives every relative import
 *    its `.js` (the sources import without extensions, which Node's ESM loader does not resolve);
 * 2. the files the code reads beside itself are copied: the SQL migrations, the Temporal CLI installer, the example
 *    data;
 * 3. the workflow bundle is built from the compiled workflows into `dist/workflow-bundles/`, so an installed worker
 *    starts without webpack when npm installed the SDK it was built with.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const dist = path.join(root, 'dist');
const bin = (name: string) => path.join(root, 'node_modules', '.bin', name);
const run = (file: string, args: string[]) => execFileSync(file, args, { cwd: root, stdio: 'inherit' });

/** Files read at run time relative to the module that reads them (src/db/migrate.ts, tools/temporal-cli.ts, …). */
const ASSETS = ['src/db/migrations', 'scripts/install-temporal.sh', 'examples/data'];

fs.rmSync(dist, { recursive: true, force: true });
run(bin('tsc'), ['-p', 'tsconfig.build.json']);
run(bin('tsc-alias'), ['-p', 'tsconfig.build.json']);
for (const asset of ASSETS) fs.cpSync(path.join(root, asset), path.join(dist, asset), { recursive: true });
// The compiled module builds it, so the bundle's cache key is the one an installed worker computes.
run(process.execPath, [
  '--input-type=module',
  '--eval',
  "const b = await import('./dist/src/worker/workflow-bundle.js');" +
    "console.log('workflow bundle: ' + (await b.writeWorkflowBundle(b.SHIPPED_BUNDLE_DIR)));",
]);
