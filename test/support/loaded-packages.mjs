// Preload (`node --import`): at exit, prints which @temporalio packages the process loaded, as one line on stderr
// (`loaded-packages ["@temporalio/client", …]`). The SDK and the CLI must never load @temporalio/worker.
import { createRequire } from 'node:module';
import process from 'node:process';

const require = createRequire(import.meta.url);
process.on('exit', () => {
  const packages = Object.keys(require.cache)
    .map((file) => /node_modules\/(@temporalio\/[^/]+)\//.exec(file)?.[1])
    .filter((name) => name !== undefined);
  process.stderr.write(`loaded-packages ${JSON.stringify([...new Set(packages)].sort())}\n`);
});
