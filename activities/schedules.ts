/** The activities of a scheduled run; the logic lives in src/services/worker/scheduled-runs.ts. */
import type { StorageContext } from '../src/services/common/context';
import {
  finishScheduledRun,
  recordScheduledRun,
  startScheduledRunExecution,
} from '../src/services/worker/scheduled-runs';
import type { ScheduledRunActivities } from '../src/shared/activity-contract';
import { failFastOnDomainErrors } from './fatal-errors';

export function createScheduledRunActivities(ctx: StorageContext): ScheduledRunActivities {
  return {
    recordScheduledRun: (p) => failFastOnDomainErrors(() => recordScheduledRun(ctx, p)),
    startScheduledRunExecution: (p) => failFastOnDomainErrors(() => startScheduledRunExecution(ctx, p)),
    finishScheduledRun: (p) => failFastOnDomainErrors(() => finishScheduledRun(ctx, p)),
  };
}
