// Preload (`node --import`): at exit, prints which packages the process loaded, as one line on stderr
// (`loaded-packages ["@temporalio/client", "commander", …]`): CommonJS modules from require.cache, ES modules from a
// load hook (loaded-packages-hooks.mjs) that notes each one in a file, since the hooks run on a thread of their own.
// The SDK and the CLI must never load @temporalio/worker, and a read command no Temporal, model or storage client.
import fs from 'node:fs';
import { createRequire, register } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import process from 'node:process';
import { URL } from 'node:url';

const require = createRequire(import.meta.url);
const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'judgeflow-loaded-')), 'modules');
fs.writeFileSync(file, '');
register(new URL('./loaded-packages-hooks.mjs', import.meta.url), { data: { file } });

process.on('exit', () => {
  const modules = [...Object.keys(require.cache), ...fs.readFileSync(file, 'utf8').split('\n')];
  fs.rmSync(path.dirname(file), { recursive: true, force: true });
  const packages = modules
    // The innermost node_modules: an installed judgeflow has its dependencies in its own.
    .map((m) => /.*node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(m)?.[1])
    .filter((name) => name !== undefined);
  process.stderr.write(`loaded-packages ${JSON.stringify([...new Set(packages)].sort())}\n`);
});
