/** Where the workflow code lives, for the bundler (worker and tests). */
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const WORKFLOWS_PATH = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../workflows/index.ts');
