/** An answer that cannot be used: asked again while the row has answer attempts left, else the row's error. */
import { ApplicationFailure } from '@temporalio/common';
import { UnusableAnswerError } from '../src/llm/answer-errors';
import type { JudgeCompletion } from '../src/llm/judge';
import { parseJudgeCompletion } from '../src/llm/parse-answer';
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

/** The answer parsed strictly, or — when it is unusable — the row's outcome: asked again, or its error. */
export function parseOrRetry(
  results: ReturnType<typeof rowResults>,
  attempt: number,
  answer: JudgeCompletion,
  criteria: Parameters<typeof parseJudgeCompletion>[1],
): { parsed: ReturnType<typeof parseJudgeCompletion> } | { unusable: Promise<JudgeDatapointResult> } {
  try {
    return { parsed: parseJudgeCompletion(answer, criteria) };
  } catch (err) {
    if (!(err instanceof UnusableAnswerError)) throw err;
    return { unusable: retryOrRowError(results, attempt, err, answer) };
  }
}
