/**
 * Structured output: the `response_format` a judge request carries so that a provider supporting OpenAI's
 * `json_schema` mode can only answer with a verdict of this criteria — a score among its labels' scores and a
 * rationale (required when the criteria requires one). A prompt version that sets its own `response_format` keeps
 * it; a model whose provider lacks the mode opts out with `"structuredOutputs": false` in JUDGEFLOW_MODELS. The
 * answer is parsed by the same strict parser either way: the schema narrows what a judge can say, it is not trusted.
 */
import type { JudgeCriteriaSpec } from './messages';

/** The schema's name as the provider sees it (letters, digits, `_` and `-` only). */
export const ANSWER_SCHEMA_NAME = 'judgement';

export function answerResponseFormat(criteria: Pick<JudgeCriteriaSpec, 'labels' | 'requiresRationale'>) {
  const scores = [...new Set(criteria.labels.map((l) => l.score))];
  return {
    type: 'json_schema' as const,
    json_schema: {
      name: ANSWER_SCHEMA_NAME,
      strict: true,
      schema: {
        type: 'object',
        properties: {
          score: {
            type: 'integer',
            enum: scores,
            description: criteria.labels.map((l) => `${l.score} = ${l.name}`).join(', '),
          },
          // Strict mode lists every property as required; an optional rationale may be null instead.
          rationale: criteria.requiresRationale ? { type: 'string' } : { type: ['string', 'null'] },
        },
        required: ['score', 'rationale'],
        additionalProperties: false,
      },
    },
  };
}

/**
 * The hyper-parameters a judge request is sent with: the version's own, plus the criteria's answer schema when the
 * model takes structured output and the version sets no `response_format` of its own.
 */
export function requestHyperparameters(
  fmHyperparameters: Record<string, unknown> | null | undefined,
  criteria: Pick<JudgeCriteriaSpec, 'labels' | 'requiresRationale'>,
  structuredOutputs: boolean,
): Record<string, unknown> | undefined {
  if (!structuredOutputs || fmHyperparameters?.response_format !== undefined) return fmHyperparameters ?? undefined;
  return { ...fmHyperparameters, response_format: answerResponseFormat(criteria) };
}
