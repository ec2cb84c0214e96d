#!/usr/bin/env node
// `npx judgeflow …`: the command line, run from the TypeScript sources through tsx (no build step).
import { register } from 'tsx/esm/api';

register();
await import('../src/cli.ts');
