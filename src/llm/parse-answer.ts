/**
 * Turns a model's answer into `{ score, rationale }` validated against the criteria's labels. Accepts a JSON
 * object (`score` as number or numeric string, or `label` by name; rationale as `rationale`, `reason` or
 * `explanation`), JSON inside a ```json fence or surrounded by prose, or plain text that is a label name or a score.
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

export function parseJudgeAnswer(content: string, criteria: Criteria): JudgeAnswer {
  const text = content.trim();
  const object = findJsonObject(text);
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

/** The first JSON object in the text: the whole text, a fenced block, or the first balanced `{…}` that parses. */
function findJsonObject(text: string): Record<string, unknown> | undefined {
  const fenced = /```(?:json)?\s*([\s\S]*?)```/i.exec(text)?.[1];
  for (const candidate of [text, fenced, ...balancedObjects(text)]) {
    if (!candidate?.trim().startsWith('{')) continue;
    try {
      const parsed: unknown = JSON.parse(candidate);
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
    } catch {
      // not JSON; try the next candidate
    }
  }
  return undefined;
}

/** Every `{…}` span with balanced braces outside JSON strings, in order of its opening brace. */
function* balancedObjects(text: string): Generator<string> {
  for (let start = text.indexOf('{'); start >= 0; start = text.indexOf('{', start + 1)) {
    let depth = 0;
    let inString = false;
    let escaped = false;
    for (let i = start; i < text.length; i++) {
      const ch = text[i];
      if (inString) {
        if (escaped) escaped = false;
        else if (ch === '\\') escaped = true;
        else if (ch === '"') inString = false;
      } else if (ch === '"') {
        inString = true;
      } else if (ch === '{') {
        depth += 1;
      } else if (ch === '}' && --depth === 0) {
        yield text.slice(start, i + 1);
        break;
      }
    }
  }
}
