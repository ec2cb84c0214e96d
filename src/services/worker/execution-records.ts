/** Worker-side steps of an evaluator execution that write: its row errors and its end. */
import { datapointPage, finishExecution, upsertResult } from '../../db/execution.repository';
import type { RecordedEnd } from '../../shared/activity-contract';
import { ROW_MAX_ATTEMPTS, type DatapointPage, type RowErrorRecord } from '../../shared/execution-contract';
import type { StorageContext } from '../common/context';

/** The next page of datapoint ids of an execution, in dataset order. */
export function listDatapointPage(
  ctx: StorageContext,
  p: { executionUid: number; afterPosition: number; limit: number },
): Promise<DatapointPage> {
  return datapointPage(ctx.db, p.executionUid, p.afterPosition, p.limit);
}

/** Rows whose activity failed for good (retries used up) keep an error instead of a score. Idempotent. */
export async function recordRowErrors(
  ctx: StorageContext,
  executionUid: number,
  errors: RowErrorRecord[],
): Promise<void> {
  for (const e of errors) await upsertResult(ctx.db, { executionUid, ...e, attempts: ROW_MAX_ATTEMPTS });
}

export function recordExecutionEnd(ctx: StorageContext, p: { executionUid: number } & RecordedEnd): Promise<void> {
  return finishExecution(ctx.db, p.executionUid, p.status, p.error);
}
