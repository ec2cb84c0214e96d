/**
 * Activities, built by a factory so the worker passes real dependencies (and tests pass test ones):
 * `proxyActivities<ReturnType<typeof createActivities>>` types them in workflows.
 */
import type { Db } from '../src/db/pool';
import type { JudgeClient } from '../src/llm/judge';
import { createBenchmarkBookkeeping } from './benchmark-bookkeeping';
import { createExecutionBookkeeping } from './execution-bookkeeping';
import { createExportActivities } from './export';
import { createJudgeDatapoint } from './judge-datapoint';

export interface ActivityDependencies {
  db: Db;
  llm: JudgeClient;
}

export function createActivities(deps: ActivityDependencies) {
  return {
    ...createExecutionBookkeeping(deps.db),
    judgeDatapoint: createJudgeDatapoint(deps),
    ...createBenchmarkBookkeeping(deps.db),
    ...createExportActivities(deps.db),
  };
}
