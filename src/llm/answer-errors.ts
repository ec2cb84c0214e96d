/** Errors of a model's answer that make it unusable as a judgement, each with the row error kind it becomes. */
import { JudgeflowError } from '../errors';
import type { RowErrorKind } from '../shared/row-errors';

export abstract class UnusableAnswerError extends JudgeflowError {
  abstract readonly kind: RowErrorKind;
}

const MAX_SHOWN = 200;
const shorten = (s: string) => (s.length > MAX_SHOWN ? `${s.slice(0, MAX_SHOWN)}…` : s);

export class UnparseableAnswerError extends UnusableAnswerError {
  readonly kind = 'unparseable';
  /** `reason`: why this answer is not one (e.g. two JSON objects, which would let quoted text steer the verdict). */
  constructor(
    readonly content: string,
    readonly reason?: string,
  ) {
    super(
      `the model's answer is not a score${reason ? ` (${reason})` : ''}: expected JSON {"score": …, "rationale": …} ` +
        `as the whole answer or its only fenced block, or a label name, got ${JSON.stringify(shorten(content))}`,
    );
  }
}

export class ScoreOutOfRangeError extends UnusableAnswerError {
  readonly kind = 'out_of_range';
  constructor(
    readonly score: unknown,
    readonly allowedScores: number[],
  ) {
    super(
      `the model answered score ${JSON.stringify(score)}, which is not one of the criteria's scores ${JSON.stringify(allowedScores)}`,
    );
  }
}

export class MissingRationaleError extends UnusableAnswerError {
  readonly kind = 'unparseable';
  constructor(readonly score: number) {
    super(`the model answered score ${score} without the rationale this criteria requires`);
  }
}

/** The model refused (a `refusal`, a content filter) or answered nothing at all. */
export class RefusedAnswerError extends UnusableAnswerError {
  readonly kind = 'refusal';
  constructor(readonly detail: string) {
    super(`the model gave no judgement: ${shorten(detail)}`);
  }
}
