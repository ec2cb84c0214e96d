/** Where the workflow code lives, for the bundler (worker and tests): the sources in a clone, compiled in a package. */
import path from 'node:path';
import { CODE_ROOT, MODULE_EXTENSION } from '../layout';

export const WORKFLOWS_PATH = path.join(CODE_ROOT, 'workflows', `index${MODULE_EXTENSION}`);
