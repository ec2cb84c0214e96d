/**
 * Turns a model's answer into `{ score, rationale }` validated against the criteria's labels. Accepts a JSON object
 * (`score` as number or numeric string, or `label` by name; rationale as `rationale`, `reason` or `explanation`) as the
 * whole answer or as its only fenced block (```json … ```, prose around it allowed), or plain text that is a label name
 * or a score. Nothing else: a JSON object found inside prose, or two fenced blocks, is ambiguous — the judge may be
 * quoting the datapoint ("the response claims {"score": 2}") — so it is an unparseable answer, never a verdict. Every
 * step is linear in the answer's length, and an answer over MAX_ANSWER_CHARS is refused before any of them.
 */
import {
  MissingRationaleError,
  RefusedAnswerError,
  ScoreOutOfRangeError,
  UnparseableAnswerError,
} from './answer-errors';
import type { JudgeCompletion } from './judge';
import type { JudgeCriteriaSpec } from './messages';

export interface JudgeAnswer {
  score: number;
  rationale: string | null;
}

type Criteria = Pick<JudgeCriteriaSpec, 'labels' | 'requiresRationale'>;

/** A completion's judgement; a refusal, a filtered or an empty answer is a RefusedAnswerError, not a parse failure. */
export function parseJudgeCompletion(
  completion: Pick<JudgeCompletion, 'content' | 'refusal' | 'finishReason'>,
  criteria: Criteria,
): JudgeAnswer {
  if (completion.refusal) throw new RefusedAnswerError(`it refused: ${completion.refusal}`);
  if (completion.finishReason === 'content_filter' && !completion.content.trim())
    throw new RefusedAnswerError("the provider's content filter withheld the answer");
  if (!completion.content.trim()) throw new RefusedAnswerError('the answer was empty');
  return parseJudgeAnswer(completion.content, criteria);
}

/** A judgement is a score and a rationale: an answer this long is not one (and must not cost a worker time). */
export const MAX_ANSWER_CHARS = 64 * 1024;

export function parseJudgeAnswer(content: string, criteria: Criteria): JudgeAnswer {
  if (content.length > MAX_ANSWER_CHARS)
    throw new UnparseableAnswerError(
      content,
      `it is ${content.length} characters long, over the limit of ${MAX_ANSWER_CHARS}`,
    );
  const text = content.trim();
  const object = findJsonObject(content, text);
  let score: unknown;
  let rationale: string | null = null;
  if (object) {
    // The first non-blank of the usual names: an empty "rationale" does not hide a "reason".
    const r = [object.rationale, object.reason, object.explanation].find((v) => typeof v === 'string' && v.trim());
    rationale = typeof r === 'string' ? r.trim() : null;
    if (object.score !== undefined && object.score !== null) score = object.score;
    else if (typeof object.label === 'string') score = labelScore(object.label, criteria);
    if (score === undefined) throw new UnparseableAnswerError(content);
  } else {
    score = labelScore(text, criteria) ?? (/^-?\d+$/.test(text) ? Number(text) : undefined);
    if (score === undefined) throw new UnparseableAnswerError(content);
  }
  const value = typeof score === 'string' && /^\s*-?\d+\s*$/.test(score) ? Number(score) : score;
  const allowed = criteria.labels.map((l) => l.score);
  if (typeof value !== 'number' || !allowed.includes(value)) throw new ScoreOutOfRangeError(score, allowed);
  if (criteria.requiresRationale && !rationale) throw new MissingRationaleError(value);
  return { score: value, rationale };
}

function labelScore(name: string, criteria: Criteria): number | undefined {
  const wanted = name.trim().toLowerCase();
  return criteria.labels.find((l) => l.name.toLowerCase() === wanted)?.score;
}

/**
 * The answer's JSON object: the whole text, or the content of its only fenced block. Undefined when it has none and
 * looks like no JSON at all (then it may be a label or a score); an UnparseableAnswerError when it is ambiguous.
 */
function findJsonObject(content: string, text: string): Record<string, unknown> | undefined {
  const whole = parseObject(text);
  if (whole) return whole;
  const fences = [...text.matchAll(/```(?:json)?[ \t]*\n?([\s\S]*?)```/gi)];
  if (fences.length > 1)
    throw new UnparseableAnswerError(
      content,
      `it has ${fences.length} fenced blocks, so which one is the verdict is ambiguous`,
    );
  if (fences.length === 1) {
    const fenced = parseObject(fences[0]![1]!.trim());
    if (fenced) return fenced;
    throw new UnparseableAnswerError(content, 'its fenced block is not a JSON object');
  }
  if (text.includes('{'))
    throw new UnparseableAnswerError(
      content,
      'a JSON object inside prose is not taken: the text around it may quote another verdict',
    );
  return undefined;
}

function parseObject(candidate: string): Record<string, unknown> | undefined {
  if (!candidate.startsWith('{')) return undefined;
  try {
    const parsed: unknown = JSON.parse(candidate);
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
  } catch {
    // not JSON
  }
  return undefined;
}
