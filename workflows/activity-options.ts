/** Options of the small bookkeeping activities of an evaluator execution (plan, pages, row errors, its end). */
import type { ActivityOptions } from '@temporalio/workflow';

export const BOOKKEEPING_OPTIONS: ActivityOptions = {
  startToCloseTimeout: '1 minute',
  heartbeatTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
};
