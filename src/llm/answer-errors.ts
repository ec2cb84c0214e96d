/** Errors of a model's answer that make it unusable as a judgement. */
import { JudgeflowError } from '../errors';

const MAX_SHOWN = 200;
const shorten = (s: string) => (s.length > MAX_SHOWN ? `${s.slice(0, MAX_SHOWN)}…` : s);

export class UnparseableAnswerError extends JudgeflowError {
  constructor(readonly content: string) {
    super(
      `the model's answer is not a score: expected JSON {"score": …, "rationale": …} or a label name, got ${JSON.stringify(shorten(content))}`,
    );
  }
}

export class ScoreOutOfRangeError extends JudgeflowError {
  constructor(
    readonly score: unknown,
    readonly allowedScores: number[],
  ) {
    super(
      `the model answered score ${JSON.stringify(score)}, which is not one of the criteria's scores ${JSON.stringify(allowedScores)}`,
    );
  }
}

export class MissingRationaleError extends JudgeflowError {
  constructor(readonly score: number) {
    super(`the model answered score ${score} without the rationale this criteria requires`);
  }
}
