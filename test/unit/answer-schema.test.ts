/**
 * The structured-output schema a judge request carries: scores of the criteria's labels only, a rationale that is a
 * string or (when the criteria does not require one) null, nothing else; a version's own response_format wins, and a
 * model without the mode sends none.
 */
import { describe, expect, it } from 'vitest';
import { answerResponseFormat, requestHyperparameters } from '../../src/llm/answer-schema';

const criteria = {
  labels: [
    { name: 'bad', score: 0, description: '' },
    { name: 'good', score: 1, description: '' },
    { name: 'great', score: 5, description: '' },
  ],
  requiresRationale: true,
};

describe('answerResponseFormat', () => {
  it('allows exactly the label scores, a string rationale and no other property, in strict mode', () => {
    const format = answerResponseFormat(criteria);
    expect(format).toEqual({
      type: 'json_schema',
      json_schema: {
        name: 'judgement',
        strict: true,
        schema: {
          type: 'object',
          properties: {
            score: { type: 'integer', enum: [0, 1, 5], description: '0 = bad, 1 = good, 5 = great' },
            rationale: { type: 'string' },
          },
          required: ['score', 'rationale'],
          additionalProperties: false,
        },
      },
    });
  });

  it('lets an optional rationale be null, still listing it as required as strict mode demands', () => {
    const { schema } = answerResponseFormat({ ...criteria, requiresRationale: false }).json_schema;
    expect(schema.properties.rationale).toEqual({ type: ['string', 'null'] });
    expect(schema.required).toEqual(['score', 'rationale']);
  });
});

describe('requestHyperparameters', () => {
  it("adds the schema to the version's own hyper-parameters", () => {
    expect(requestHyperparameters({ temperature: 0 }, criteria, true)).toEqual({
      temperature: 0,
      response_format: answerResponseFormat(criteria),
    });
    expect(requestHyperparameters(null, criteria, true)).toEqual({ response_format: answerResponseFormat(criteria) });
  });

  it("keeps a version's own response_format, and sends none for a model without structured outputs", () => {
    const own = { response_format: { type: 'json_object' }, temperature: 0.2 };
    expect(requestHyperparameters(own, criteria, true)).toBe(own);
    expect(requestHyperparameters({ temperature: 0 }, criteria, false)).toEqual({ temperature: 0 });
    expect(requestHyperparameters(null, criteria, false)).toBeUndefined();
  });
});
