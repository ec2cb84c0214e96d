/**
 * Integration set-up, once per run: locates (or builds) the Temporal CLI, starts an ephemeral dev server with
 * the project's search attributes, creates and migrates a fresh database, and finds (or builds) the workflow bundle.
 */
import { TestWorkflowEnvironment } from '@temporalio/testing';
import type { TestProject } from 'vitest/node';
import { dropDatabase, ensureDatabase, migrate } from '../../src/db/migrate';
import { resolveTemporalCli } from '../../tools/temporal-cli';
import { ALL_SEARCH_ATTRIBUTES } from '../../src/shared/search-attributes';
import { cachedWorkflowBundle } from '../../src/worker/workflow-bundle';

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

  // The same cached bundle workers use (rebuilt when a workflow source changes).
  const workflowBundlePath = await cachedWorkflowBundle();

  project.provide('databaseUrl', databaseUrl);
  project.provide('temporalAddress', env.address);
  project.provide('temporalCli', temporalCli);
  project.provide('workflowBundlePath', workflowBundlePath);

  return async () => {
    await env.teardown();
    await dropDatabase(databaseUrl);
  };
}
