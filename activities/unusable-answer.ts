/** An answer that cannot be used: asked again while the row has answer attempts left, else the row's error. */
import { ApplicationFailure } from '@temporalio/common';
import type { JudgeCompletion } from '../src/llm/judge';
import { ANSWER_MAX_ATTEMPTS, type JudgeDatapointResult } from '../src/shared/execution-contract';
import type { RowErrorKind } from '../src/shared/row-errors';
import type { rowResults } from './row-results';

export function retryOrRowError(
  results: ReturnType<typeof rowResults>,
  attempt: number,
  problem: { message: string; kind: RowErrorKind },
  paid: JudgeCompletion,
): Promise<JudgeDatapointResult> {
  if (attempt < ANSWER_MAX_ATTEMPTS) throw ApplicationFailure.retryable(problem.message, 'UnusableAnswer');
  return results.error(`${problem.message} (after ${attempt} attempts)`, problem.kind, paid);
}
