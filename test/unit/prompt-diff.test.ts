/** The prompt diff of `report A B`: only fields that differ, line by line, and no change where only form differs. */
import { describe, expect, it } from 'vitest';
import { diffPromptVersions } from '../../src/services/common/prompt-diff';

const version = (o: Partial<Parameters<typeof diffPromptVersions>[1][number]> = {}) => ({
  name: 'v1',
  systemPrompt: 'You grade answers.',
  userPrompt: 'Question: {{q}}\nAnswer: {{a}}',
  modelName: 'gpt-4o-mini',
  fmHyperparameters: { temperature: 0, top_p: 1 },
  ...o,
});

describe('diffPromptVersions', () => {
  it('diffs the changed lines of a changed field and leaves the rest out', () => {
    const change = diffPromptVersions(
      3,
      [version()],
      [version({ name: 'v2', userPrompt: 'Question: {{q}}\nReply: {{a}}\nBe strict.' })],
    );
    expect(change).toEqual({
      evaluatorUid: 3,
      before: ['v1'],
      after: ['v2'],
      fields: [
        {
          field: 'user prompt',
          lines: [
            { kind: 'same', text: 'Question: {{q}}' },
            { kind: 'removed', text: 'Answer: {{a}}' },
            { kind: 'added', text: 'Reply: {{a}}' },
            { kind: 'added', text: 'Be strict.' },
          ],
        },
      ],
    });
  });

  it('sees no change in reordered parameters or a trailing newline, and one in a new parameter value', () => {
    const same = diffPromptVersions(
      1,
      [version()],
      [
        version({
          name: 'v2',
          userPrompt: 'Question: {{q}}\nAnswer: {{a}}\n',
          fmHyperparameters: { top_p: 1, temperature: 0 },
        }),
      ],
    );
    expect(same.fields).toEqual([]);
    const hotter = diffPromptVersions(1, [version()], [version({ fmHyperparameters: { temperature: 0.7, top_p: 1 } })]);
    expect(hotter.fields).toEqual([
      {
        field: 'parameters',
        lines: [
          { kind: 'removed', text: 'temperature: 0' },
          { kind: 'added', text: 'temperature: 0.7' },
          { kind: 'same', text: 'top_p: 1' },
        ],
      },
    ]);
  });

  it('shows a prompt that was added as added lines only, and a new model', () => {
    const change = diffPromptVersions(1, [version({ systemPrompt: null })], [version({ modelName: 'gpt-4o' })]);
    expect(change.fields).toEqual([
      { field: 'system prompt', lines: [{ kind: 'added', text: 'You grade answers.' }] },
      {
        field: 'model',
        lines: [
          { kind: 'removed', text: 'gpt-4o-mini' },
          { kind: 'added', text: 'gpt-4o' },
        ],
      },
    ]);
  });
});
