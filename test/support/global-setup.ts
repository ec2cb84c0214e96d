/**
 * Integration set-up, once per run: locates (or builds) the Temporal CLI, starts an ephemeral dev server with
 * the project's search attributes, creates and migrates a fresh database, and bundles the workflows once.
 */
import fs from 'node:fs';
import path from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode } from '@temporalio/worker';
import type { TestProject } from 'vitest/node';
import { dropDatabase, ensureDatabase, migrate } from '../../src/db/migrate';
import { resolveTemporalCli } from '../../tools/temporal-cli';
import { ALL_SEARCH_ATTRIBUTES } from '../../src/shared/search-attributes';
import { WORKFLOWS_PATH } from '../../src/temporal/workflows-path';

declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string;
    temporalAddress: string;
    temporalCli: string;
    workflowBundlePath: string;
  }
}

/** History length at which the test server suggests continue-as-new (the default is thousands). */
export const SUGGEST_CONTINUE_AS_NEW_AT = 300;

const root = path.resolve(import.meta.dirname, '../..');

export default async function setup(project: TestProject) {
  const temporalCli = resolveTemporalCli();

  const base = new URL(process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/judgeflow_test');
  base.pathname = `${base.pathname}_${process.pid}`;
  const databaseUrl = base.toString();
  await dropDatabase(databaseUrl);
  await ensureDatabase(databaseUrl);
  await migrate(databaseUrl);

  const env = await TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path: temporalCli },
      searchAttributes: ALL_SEARCH_ATTRIBUTES,
      // A low continue-as-new threshold makes even small executions cross several workflow runs.
      extraArgs: [
        '--log-level',
        'error',
        '--dynamic-config-value',
        `limit.historyCount.suggestContinueAsNew=${SUGGEST_CONTINUE_AS_NEW_AT}`,
      ],
    },
  });

  const bundleDir = path.join(root, '.data', 'test');
  fs.mkdirSync(bundleDir, { recursive: true });
  const workflowBundlePath = path.join(bundleDir, `workflow-bundle-${process.pid}.js`);
  const { code } = await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: quietLogger });
  fs.writeFileSync(workflowBundlePath, code);

  project.provide('databaseUrl', databaseUrl);
  project.provide('temporalAddress', env.address);
  project.provide('temporalCli', temporalCli);
  project.provide('workflowBundlePath', workflowBundlePath);

  return async () => {
    await env.teardown();
    await dropDatabase(databaseUrl);
    fs.rmSync(workflowBundlePath, { force: true });
  };
}

const noop = () => {};
const quietLogger = { trace: noop, debug: noop, info: noop, warn: noop, error: console.error, log: noop };
