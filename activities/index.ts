/**
 * Activities, built by a factory so the worker passes real dependencies (and tests pass test ones). What they
 * are is the activity contract (src/shared/activity-contract.ts), which workflows proxy.
 */
import type { Config } from '../src/config';
import type { Db } from '../src/db/pool';
import type { JudgeClient } from '../src/llm/judge';
import type { JudgeflowActivities } from '../src/shared/activity-contract';
import { createBookkeeping } from './bookkeeping';
import { createExportActivities } from './export';
import { createJudgeDatapoint } from './judge-datapoint';
import { createScheduledRunActivities } from './schedules';
import type { RowStops } from './row-stops';

export interface ActivityDependencies {
  config: Config;
  db: Db;
  llm: JudgeClient;
  /** Shared with the worker's `rows` sink (create-worker.ts); its own when the caller needs no sink. */
  rowStops?: RowStops;
}

export function createActivities(deps: ActivityDependencies) {
  return {
    ...createBookkeeping(deps),
    judgeDatapoint: createJudgeDatapoint(deps),
    ...createExportActivities(deps),
    ...createScheduledRunActivities(deps),
  } satisfies JudgeflowActivities;
}
