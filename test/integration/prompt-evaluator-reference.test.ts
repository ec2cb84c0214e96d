/**
 * The reference doc's PromptEvaluator `create` / `get` / `update` / `get_versions` examples in TypeScript form,
 * including both fm_hyperparameters examples verbatim, checked against what PostgreSQL holds.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Benchmark,
  Criteria,
  Dataset,
  DuplicateError,
  Judgeflow,
  MissingModelNameError,
  MissingPromptError,
  NotFoundError,
  PromptEvaluator,
  UnknownColumnError,
} from '../../src';
import { connectTestClient, uniqueName } from '../support/context';

// The reference's "more sophisticated example", verbatim apart from Python → JS literals (False → false).
const mathReasoning = {
  response_format: {
    type: 'json_schema',
    json_schema: {
      name: 'math_reasoning',
      schema: {
        type: 'object',
        properties: {
          steps: {
            type: 'array',
            items: {
              type: 'object',
              properties: { explanation: { type: 'string' }, output: { type: 'string' } },
              required: ['explanation', 'output'],
              additionalProperties: false,
            },
          },
          final_answer: { type: 'string' },
        },
        required: ['steps', 'final_answer'],
        additionalProperties: false,
      },
      strict: true,
    },
  },
};
const jsonObject = { response_format: { type: 'json_object' } };

let jf: Judgeflow;
let criteriaUid: number;

beforeAll(async () => {
  jf = await connectTestClient();
  const ds = await Dataset.create({ name: uniqueName('ref'), split: 'test', rows: [{ question: 'q', response: 'r' }] });
  const b = await Benchmark.create({ name: uniqueName('ref'), datasetUid: ds.datasetUid });
  const c = await Criteria.create({
    benchmarkUid: b.benchmarkUid,
    name: 'helpfulness',
    labels: [
      { name: 'unhelpful', score: 0 },
      { name: 'helpful', score: 1 },
    ],
  });
  criteriaUid = c.criteriaUid;
});
afterAll(() => jf?.close());

const storedVersions = async (promptWorkflowUid: number) =>
  (
    await jf.db.query(
      `SELECT name, system_prompt, user_prompt, model_name, fm_hyperparameters FROM prompt_versions
        WHERE prompt_workflow_uid = $1 ORDER BY created_at, uid`,
      [promptWorkflowUid],
    )
  ).rows;

describe('PromptEvaluator, as in the reference', () => {
  it('create with response_format json_object, then get', async () => {
    // PromptEvaluator.create(criteria_uid=100, user_prompt="User prompt", system_prompt="System prompt",
    //                        model_name="gpt-4o-mini", fm_hyperparameters={"response_format": {"type": "json_object"}})
    const evaluator = await PromptEvaluator.create({
      criteriaUid,
      userPrompt: 'User prompt',
      systemPrompt: 'System prompt',
      modelName: 'gpt-4o-mini',
      fmHyperparameters: jsonObject,
    });
    expect(evaluator.criteriaUid).toBe(criteriaUid);
    expect(typeof evaluator.evaluatorUid).toBe('number');
    expect(typeof evaluator.benchmarkUid).toBe('number');
    expect(typeof evaluator.promptWorkflowUid).toBe('number');
    const again = await PromptEvaluator.get(evaluator.evaluatorUid);
    expect(again).toMatchObject({
      evaluatorUid: evaluator.evaluatorUid,
      criteriaUid,
      benchmarkUid: evaluator.benchmarkUid,
      promptWorkflowUid: evaluator.promptWorkflowUid,
    });
    expect(await storedVersions(evaluator.promptWorkflowUid)).toEqual([
      {
        name: 'v1',
        system_prompt: 'System prompt',
        user_prompt: 'User prompt',
        model_name: 'gpt-4o-mini',
        fm_hyperparameters: jsonObject,
      },
    ]);
  });

  it('create with the json_schema example stores it exactly as given', async () => {
    const evaluator = await PromptEvaluator.create({
      criteriaUid,
      userPrompt: 'User prompt',
      systemPrompt: 'System prompt',
      modelName: 'gpt-4o-mini',
      fmHyperparameters: mathReasoning,
    });
    const [stored] = await storedVersions(evaluator.promptWorkflowUid);
    expect(stored?.fm_hyperparameters).toEqual(mathReasoning);
    expect((await evaluator.getVersion()).fmHyperparameters).toEqual(mathReasoning);
  });

  it('update creates a new latest version and returns its name; get_versions lists oldest first', async () => {
    // evaluator = PromptEvaluator.get(evaluator_uid=300); evaluator.update(version_name="New Version", ...)
    const created = await PromptEvaluator.create({ criteriaUid, userPrompt: 'User prompt', modelName: 'gpt-4o-mini' });
    const evaluator = await PromptEvaluator.get(created.evaluatorUid);
    expect(
      await evaluator.update({
        versionName: 'New Version',
        userPrompt: 'User prompt',
        systemPrompt: 'System prompt',
        modelName: 'gpt-4o-mini',
        fmHyperparameters: jsonObject,
      }),
    ).toBe('New Version');
    expect(
      await evaluator.update({
        versionName: 'Schema Version',
        userPrompt: 'User prompt',
        systemPrompt: 'System prompt',
        modelName: 'gpt-4o-mini',
        fmHyperparameters: mathReasoning,
      }),
    ).toBe('Schema Version');
    // No version name: one is generated.
    expect(await evaluator.update({ userPrompt: 'Q: {{question}} A: {{ response }}', modelName: 'gpt-4o' })).toBe('v4');
    expect(await evaluator.getVersions()).toEqual(['v1', 'New Version', 'Schema Version', 'v4']);
    expect((await evaluator.getVersion()).name).toBe('v4');
    const stored = await storedVersions(evaluator.promptWorkflowUid);
    expect(stored.map((v) => v.name)).toEqual(['v1', 'New Version', 'Schema Version', 'v4']);
    expect(stored[2]?.fm_hyperparameters).toEqual(mathReasoning);
    expect(stored[3]).toMatchObject({
      user_prompt: 'Q: {{question}} A: {{ response }}',
      model_name: 'gpt-4o',
      system_prompt: null,
    });
  });

  it('raises the documented errors, writing nothing', async () => {
    const created = await PromptEvaluator.create({
      criteriaUid,
      systemPrompt: 'System prompt',
      modelName: 'gpt-4o-mini',
    });
    const versions = async () => (await storedVersions(created.promptWorkflowUid)).length;
    const evaluators = async () => (await jf.db.query(`SELECT uid FROM evaluators`)).rowCount;
    const before = await evaluators();
    await expect(PromptEvaluator.create({ criteriaUid, modelName: 'gpt-4o-mini' })).rejects.toThrow(MissingPromptError);
    await expect(
      PromptEvaluator.create({ criteriaUid, userPrompt: '  ', systemPrompt: '', modelName: 'm' }),
    ).rejects.toThrow(MissingPromptError);
    await expect(PromptEvaluator.create({ criteriaUid, userPrompt: 'User prompt' } as never)).rejects.toThrow(
      MissingModelNameError,
    );
    await expect(PromptEvaluator.create({ criteriaUid: 987654, userPrompt: 'x', modelName: 'm' })).rejects.toThrow(
      NotFoundError,
    );
    await expect(
      PromptEvaluator.create({ criteriaUid, userPrompt: 'Rate {{answer}}', modelName: 'm' }),
    ).rejects.toThrow(UnknownColumnError);
    await expect(
      PromptEvaluator.create({ criteriaUid, userPrompt: 'Rate {{answer}}', modelName: 'm' }),
    ).rejects.toThrow(/\{\{answer\}\}.*"question", "response"/);
    expect(await evaluators()).toBe(before);
    await expect(created.update({ modelName: 'gpt-4o-mini' })).rejects.toThrow(MissingPromptError);
    await expect(created.update({ userPrompt: 'x', modelName: '' })).rejects.toThrow(MissingModelNameError);
    await expect(created.update({ versionName: 'v1', userPrompt: 'x', modelName: 'm' })).rejects.toThrow(
      DuplicateError,
    );
    expect(await versions()).toBe(1);
  });
});
