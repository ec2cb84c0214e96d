#!/usr/bin/env node
// `judgeflow …`: in a clone (`npx judgeflow`) the TypeScript sources through tsx, no build step; in an installed
// package (which ships no sources) the compiled JavaScript of dist/, without tsx (docs/packaging.md).
import { existsSync } from 'node:fs';

const source = new URL('../src/cli.ts', import.meta.url);
if (existsSync(source)) {
  const { register } = await import('tsx/esm/api');
  register();
  await import(source.href);
} else {
  await import('../dist/src/cli.js');
}
