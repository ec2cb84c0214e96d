/**
 * The judge's probability over the label scores, read from the token logprobs of its answer: at the token where the
 * answer's `"score":` value starts, the alternatives `top_logprobs` lists that are label scores, normalised to sum
 * to 1 (G-Eval, Liu et al. 2023). Works for scores that are one token each — integers 0 to 999 in OpenAI's
 * tokenizers — and an answer whose score comes before any non-ASCII text (the schema puts it first).
 */
import type { TokenLogprob } from './judge';

/** How many alternatives a request asks for per token (OpenAI's maximum is 20). */
export const TOP_LOGPROBS = 20;

/** The largest label score logprob scoring reads: integers 0..999 are single tokens in OpenAI's tokenizers. */
export const MAX_LOGPROB_SCORE = 999;

export type LogprobReading =
  /** The model sent no logprobs (reasoning models send none). */
  | { missing: true }
  /** Logprobs came, but the score cannot be read from them. */
  | { problem: string }
  /** Probability per label score, in the criteria's order, summing to 1. */
  | { distribution: { score: number; p: number }[] };

const SCORE_VALUE = /"score"\s*:\s*/;

export function readScoreLogprobs(
  content: string,
  tokens: TokenLogprob[] | null | undefined,
  labelScores: readonly number[],
): LogprobReading {
  if (!tokens?.length) return { missing: true };
  const key = SCORE_VALUE.exec(content);
  if (!key) return { problem: 'the answer has no "score" key to read the logprobs at' };
  const offset = key.index + key[0].length;
  let start = 0;
  const at = tokens.find((t) => {
    const end = start + t.token.length;
    if (end > offset) return true;
    start = end;
    return false;
  });
  if (!at) return { problem: 'the logprobs end before the score' };
  // A token may begin before the value (`":1`): the alternatives share that beginning.
  const prefix = content.slice(start, offset);
  const scoreOf = (token: string) => {
    const text = (token.startsWith(prefix) ? token.slice(prefix.length) : token).trim();
    return /^\d+$/.test(text) ? Number(text) : undefined;
  };
  const answered = content.slice(offset).match(/^-?\d+/)?.[0];
  if (answered === undefined || scoreOf(at.token) !== Number(answered))
    return { problem: `the score ${answered ?? '(none)'} is not one token of the answer (it reads "${at.token}")` };
  const mass = new Map<number, number>();
  const alternatives = at.topLogprobs.some((a) => a.token === at.token)
    ? at.topLogprobs
    : [{ token: at.token, logprob: at.logprob }, ...at.topLogprobs];
  for (const a of alternatives) {
    const score = scoreOf(a.token);
    if (score !== undefined && labelScores.includes(score))
      mass.set(score, (mass.get(score) ?? 0) + Math.exp(a.logprob));
  }
  const total = [...mass.values()].reduce((x, y) => x + y, 0);
  if (!(total > 0)) return { problem: 'no label score is among the logprobs at the score' };
  return { distribution: labelScores.map((score) => ({ score, p: (mass.get(score) ?? 0) / total })) };
}
