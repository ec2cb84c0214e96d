import { describe, expect, it } from 'vitest';
import { MissingRationaleError, ScoreOutOfRangeError, UnparseableAnswerError } from '../../src/llm/answer-errors';
import { parseJudgeAnswer } from '../../src/llm/parse-answer';
import type { JudgeLabel } from '../../src/llm/messages';

const binaryLabels: JudgeLabel[] = [
  { name: 'Fail', score: 0, description: 'wrong' },
  { name: 'Pass', score: 1, description: 'right' },
];
const lenient = { labels: binaryLabels, requiresRationale: false };
const strict = { labels: binaryLabels, requiresRationale: true };

const signedLabels: JudgeLabel[] = [
  { name: 'Worse', score: -1, description: '' },
  { name: 'Same', score: 0, description: '' },
  { name: 'Better', score: 1, description: '' },
];
const signed = { labels: signedLabels, requiresRationale: false };

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected the call to throw');
}

describe('parseJudgeAnswer: JSON answers', () => {
  it('reads a plain JSON object with a numeric score and a rationale', () => {
    expect(parseJudgeAnswer('{"score":1,"rationale":"matches the reference"}', strict)).toEqual({
      score: 1,
      rationale: 'matches the reference',
    });
  });

  it('accepts the score as a numeric string and converts it to a number', () => {
    expect(parseJudgeAnswer('{"score":"0","rationale":"off topic"}', strict)).toEqual({
      score: 0,
      rationale: 'off topic',
    });
    expect(parseJudgeAnswer('{"score":" 1 ","rationale":"ok"}', strict).score).toBe(1);
  });

  it('maps a label name to its score, ignoring case', () => {
    expect(parseJudgeAnswer('{"label":"pass","rationale":"fine"}', strict)).toEqual({ score: 1, rationale: 'fine' });
    expect(parseJudgeAnswer('{"label":"FAIL","rationale":"bad"}', strict)).toEqual({ score: 0, rationale: 'bad' });
  });

  it('prefers "score" over "label" when both are present', () => {
    expect(parseJudgeAnswer('{"score":0,"label":"Pass","rationale":"r"}', strict).score).toBe(0);
  });

  it('reads the rationale from "reason" or "explanation" and trims it', () => {
    expect(parseJudgeAnswer('{"score":1,"reason":"  because  "}', strict)).toEqual({ score: 1, rationale: 'because' });
    expect(parseJudgeAnswer('{"score":0,"explanation":"it is wrong"}', strict)).toEqual({
      score: 0,
      rationale: 'it is wrong',
    });
  });

  it('reads JSON inside a ```json fence', () => {
    const content = 'Here is my judgement:\n```json\n{"score": 1, "rationale": "correct"}\n```\nThanks.';
    expect(parseJudgeAnswer(content, strict)).toEqual({ score: 1, rationale: 'correct' });
  });

  it('reads JSON inside a fence without a language tag', () => {
    const content = '```\n{"score": 0, "rationale": "no"}\n```';
    expect(parseJudgeAnswer(content, strict)).toEqual({ score: 0, rationale: 'no' });
  });

  it('reads JSON surrounded by prose', () => {
    const content = 'After careful thought, {"score": 0, "rationale": "misses the point"} is my answer.';
    expect(parseJudgeAnswer(content, strict)).toEqual({ score: 0, rationale: 'misses the point' });
  });

  it('throws UnparseableAnswerError for a JSON object with neither score nor a known label', () => {
    expect(() => parseJudgeAnswer('{"rationale":"no score here"}', lenient)).toThrow(UnparseableAnswerError);
    expect(() => parseJudgeAnswer('{"label":"Maybe","rationale":"r"}', lenient)).toThrow(UnparseableAnswerError);
  });
});

describe('parseJudgeAnswer: plain-text answers', () => {
  it('maps plain text that is a label name (any case, surrounding whitespace) to its score', () => {
    expect(parseJudgeAnswer('Pass', lenient)).toEqual({ score: 1, rationale: null });
    expect(parseJudgeAnswer('  fail \n', lenient)).toEqual({ score: 0, rationale: null });
  });

  it('reads plain text that is an integer score', () => {
    expect(parseJudgeAnswer('1', lenient)).toEqual({ score: 1, rationale: null });
    expect(parseJudgeAnswer(' 0\n', lenient)).toEqual({ score: 0, rationale: null });
  });

  it('allows negative scores when the labels define them', () => {
    expect(parseJudgeAnswer('-1', signed)).toEqual({ score: -1, rationale: null });
    expect(parseJudgeAnswer('{"score":-1}', signed)).toEqual({ score: -1, rationale: null });
    expect(parseJudgeAnswer('{"score":"-1"}', signed).score).toBe(-1);
    expect(parseJudgeAnswer('worse', signed).score).toBe(-1);
  });
});

describe('parseJudgeAnswer: errors', () => {
  it('throws ScoreOutOfRangeError with the allowed scores for a score outside the labels', () => {
    const err = thrown(() => parseJudgeAnswer('{"score":5,"rationale":"great"}', strict));
    expect(err).toBeInstanceOf(ScoreOutOfRangeError);
    const e = err as ScoreOutOfRangeError;
    expect(e.score).toBe(5);
    expect(e.allowedScores).toEqual([0, 1]);
    expect(e.message).toContain('[0,1]');
  });

  it('throws ScoreOutOfRangeError for an out-of-range plain integer and a negative score without such a label', () => {
    const plain = thrown(() => parseJudgeAnswer('7', lenient)) as ScoreOutOfRangeError;
    expect(plain).toBeInstanceOf(ScoreOutOfRangeError);
    expect(plain.score).toBe(7);
    expect(plain.allowedScores).toEqual([0, 1]);
    expect(() => parseJudgeAnswer('-1', lenient)).toThrow(ScoreOutOfRangeError);
  });

  it('throws ScoreOutOfRangeError for a non-integer or non-numeric score value', () => {
    const fractional = thrown(() => parseJudgeAnswer('{"score":"0.5"}', lenient)) as ScoreOutOfRangeError;
    expect(fractional).toBeInstanceOf(ScoreOutOfRangeError);
    expect(fractional.score).toBe('0.5');
    expect(() => parseJudgeAnswer('{"score":true}', lenient)).toThrow(ScoreOutOfRangeError);
  });

  it('throws UnparseableAnswerError for prose that is neither JSON, a label nor a score', () => {
    const err = thrown(() => parseJudgeAnswer('I think the answer is mostly right.', lenient));
    expect(err).toBeInstanceOf(UnparseableAnswerError);
    expect((err as UnparseableAnswerError).content).toBe('I think the answer is mostly right.');
    expect((err as Error).message).toContain('"I think the answer is mostly right."');
  });

  it('shortens a very long unparseable answer in the message but keeps it whole on the error', () => {
    const long = 'x'.repeat(1000);
    const err = thrown(() => parseJudgeAnswer(long, lenient)) as UnparseableAnswerError;
    expect(err).toBeInstanceOf(UnparseableAnswerError);
    expect(err.content).toBe(long);
    expect(err.message).toContain(`"${'x'.repeat(200)}…"`);
    expect(err.message).not.toContain('x'.repeat(201));
    const shown = /got "(x+)…"$/.exec(err.message);
    expect(shown?.[1]).toHaveLength(200);
  });

  it('throws MissingRationaleError when a rationale is required but missing or blank', () => {
    const missing = thrown(() => parseJudgeAnswer('{"score":1}', strict));
    expect(missing).toBeInstanceOf(MissingRationaleError);
    expect((missing as MissingRationaleError).score).toBe(1);
    expect(() => parseJudgeAnswer('{"score":0,"rationale":"   "}', strict)).toThrow(MissingRationaleError);
    expect(() => parseJudgeAnswer('{"score":0,"rationale":42}', strict)).toThrow(MissingRationaleError);
    expect(() => parseJudgeAnswer('Pass', strict)).toThrow(MissingRationaleError);
    expect(() => parseJudgeAnswer('1', strict)).toThrow(MissingRationaleError);
  });

  it('accepts an answer without a rationale when none is required, with rationale null', () => {
    expect(parseJudgeAnswer('{"score":1}', lenient)).toEqual({ score: 1, rationale: null });
    expect(parseJudgeAnswer('{"score":0,"rationale":""}', lenient)).toEqual({ score: 0, rationale: null });
  });

  it('checks the score range before the rationale', () => {
    expect(() => parseJudgeAnswer('{"score":9}', strict)).toThrow(ScoreOutOfRangeError);
  });
});

describe('parseJudgeAnswer: regressions', () => {
  it('finds the JSON object in prose that has other braces around it', () => {
    expect(parseJudgeAnswer('Verdict: {"score":1,"rationale":"ok"}. Note: {n/a}', strict)).toEqual({
      score: 1,
      rationale: 'ok',
    });
    expect(parseJudgeAnswer('First {"score":0,"rationale":"a"} then {"score":1,"rationale":"b"}', strict)).toEqual({
      score: 0,
      rationale: 'a',
    });
    expect(parseJudgeAnswer('Answer {"score":1,"rationale":"a } in text"} done', strict)).toEqual({
      score: 1,
      rationale: 'a } in text',
    });
  });

  it('a blank rationale does not hide a reason', () => {
    expect(parseJudgeAnswer('{"score":1,"rationale":"","reason":"because"}', strict)).toEqual({
      score: 1,
      rationale: 'because',
    });
  });

  it('a null score falls back to the label', () => {
    expect(parseJudgeAnswer('{"score":null,"label":"Pass","rationale":"r"}', strict)).toEqual({
      score: 1,
      rationale: 'r',
    });
  });
});
