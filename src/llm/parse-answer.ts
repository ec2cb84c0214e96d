/**
 * Turns a model's answer into `{ score, rationale }` validated against the criteria's labels. Accepts a JSON
 * object (`score` as number or numeric string, or `label` by name; rationale as `rationale`, `reason` or
 * `explanation`), JSON inside a ```json fence or surrounded by prose, or plain text that is a label name or a score.
 */
import { MissingRationaleError, ScoreOutOfRangeError, UnparseableAnswerError } from './answer-errors';
import type { JudgeCriteriaSpec } from './messages';

export interface JudgeAnswer {
  score: number;
  rationale: string | null;
}

type Criteria = Pick<JudgeCriteriaSpec, 'labels' | 'requiresRationale'>;

export function parseJudgeAnswer(content: string, criteria: Criteria): JudgeAnswer {
  const text = content.trim();
  const object = findJsonObject(text);
  let score: unknown;
  let rationale: string | null = null;
  if (object) {
    const r = object.rationale ?? object.reason ?? object.explanation;
    rationale = typeof r === 'string' && r.trim() ? r.trim() : null;
    if (object.score !== undefined) score = object.score;
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

/** The first JSON object in the text: the whole text, a fenced block, or the outermost braces. */
function findJsonObject(text: string): Record<string, unknown> | undefined {
  const fenced = /```(?:json)?\s*([\s\S]*?)```/i.exec(text)?.[1];
  const candidates = [text, fenced, text.slice(text.indexOf('{'), text.lastIndexOf('}') + 1)];
  for (const candidate of candidates) {
    if (!candidate || !candidate.trim().startsWith('{')) continue;
    try {
      const parsed: unknown = JSON.parse(candidate);
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
    } catch {
      // not JSON; try the next candidate
    }
  }
  return undefined;
}
