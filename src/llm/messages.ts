/**
 * The chat messages of one judgement: the evaluator's rendered prompts plus a judging instruction naming the
 * criteria, its labels and the answer format. Deterministic: the same input gives the same messages.
 */
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';

export interface JudgeLabel {
  name: string;
  score: number;
  description: string;
}

export interface JudgeCriteriaSpec {
  name: string;
  description: string;
  requiresRationale: boolean;
  labels: JudgeLabel[];
}

/** Marks the start of the label list; the local judge server reads the allowed scores after it. */
export const LABELS_HEADING = 'Labels (score: name - description):';

export function judgingInstruction(criteria: JudgeCriteriaSpec): string {
  const labels = criteria.labels.map((l) => `${l.score}: ${l.name}${l.description ? ` - ${l.description}` : ''}`);
  const rationale = criteria.requiresRationale
    ? '"rationale" is required: one or two sentences explaining the score.'
    : '"rationale" is optional.';
  return [
    `You are an evaluator judging the criteria "${criteria.name}"${criteria.description ? `: ${criteria.description}` : '.'}`,
    LABELS_HEADING,
    ...labels,
    'Answer with only a JSON object {"score": <one of the scores above>, "rationale": "<why>"}.',
    rationale,
  ].join('\n');
}

export function buildJudgeMessages(p: {
  systemPrompt?: string;
  userPrompt?: string;
  criteria: JudgeCriteriaSpec;
}): ChatCompletionMessageParam[] {
  const instruction = judgingInstruction(p.criteria);
  const system = p.systemPrompt ? `${p.systemPrompt}\n\n${instruction}` : instruction;
  const messages: ChatCompletionMessageParam[] = [{ role: 'system', content: system }];
  if (p.userPrompt) messages.push({ role: 'user', content: p.userPrompt });
  return messages;
}
