/** `evaluator update` carries over what it is not given; `evaluator versions` names what each version changed. */
import { describe, expect, it } from 'vitest';
import { carryOver, changedFields, describeFields } from '../../src/cli/version-changes';

const v1 = {
  systemPrompt: 'You review support answers.',
  userPrompt: 'Q: {{question}} A: {{response}}',
  modelName: 'local-judge',
  fmHyperparameters: { temperature: 0 },
};

describe('carryOver', () => {
  it('a new user prompt keeps the system prompt, the model and the parameters (regression: they were dropped)', () => {
    const next = carryOver(v1, { userPrompt: 'Question: {{question}}' });
    expect(next.params).toEqual({ ...v1, userPrompt: 'Question: {{question}}' });
    expect(next.changed).toEqual(['userPrompt']);
    expect(next.carriedOver).toEqual(['systemPrompt', 'modelName', 'fmHyperparameters']);
  });

  it("an empty prompt clears it; --param sets keys over the latest version's; --no-params starts from none", () => {
    expect(carryOver(v1, { systemPrompt: '' }).params.systemPrompt).toBe('');
    expect(carryOver(v1, { systemPrompt: '' }).changed).toEqual(['systemPrompt']);
    expect(carryOver(v1, { params: { max_tokens: 50 } }).params.fmHyperparameters).toEqual({
      temperature: 0,
      max_tokens: 50,
    });
    expect(carryOver(v1, { params: { max_tokens: 50 }, clearParams: true }).params.fmHyperparameters).toEqual({
      max_tokens: 50,
    });
    const cleared = carryOver(v1, { clearParams: true });
    expect(cleared.params.fmHyperparameters).toBeUndefined();
    expect(cleared.changed).toEqual(['fmHyperparameters']);
    expect(cleared.carriedOver).toEqual(['systemPrompt', 'userPrompt', 'modelName']);
  });

  it('a field given with the value it had is neither carried over nor changed', () => {
    const next = carryOver(v1, { modelName: 'local-judge', params: { temperature: 0 } });
    expect(next.changed).toEqual([]);
    expect(next.carriedOver).toEqual(['systemPrompt', 'userPrompt']);
  });

  it('a version stored without prompts or parameters (null) carries over as absent', () => {
    const stored = { systemPrompt: null, userPrompt: 'x', modelName: 'm', fmHyperparameters: null };
    expect(carryOver(stored, { modelName: 'n' }).params).toEqual({
      systemPrompt: undefined,
      userPrompt: 'x',
      modelName: 'n',
      fmHyperparameters: undefined,
    });
  });
});

describe('changedFields', () => {
  it('compares parameters by value, whatever their key order, and a blank prompt as none', () => {
    const a = { ...v1, fmHyperparameters: { temperature: 0, top_p: 1 } };
    const b = { ...v1, fmHyperparameters: { top_p: 1, temperature: 0 } };
    expect(changedFields(a, b)).toEqual([]);
    expect(changedFields({ ...v1, systemPrompt: null }, { ...v1, systemPrompt: '  ' })).toEqual([]);
    expect(changedFields(v1, { ...v1, modelName: 'other', fmHyperparameters: null })).toEqual([
      'modelName',
      'fmHyperparameters',
    ]);
    expect(describeFields(['modelName', 'fmHyperparameters'])).toBe('model, parameters');
    expect(describeFields([])).toBe('nothing');
  });
});
