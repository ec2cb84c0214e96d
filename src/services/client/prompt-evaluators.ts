/**
 * Prompt evaluators and their versions, each use case once: create (with its first version), get (refusing other
 * evaluator types), add a version (the new latest), list version names, read a version. A version is checked as
 * the reference documents: a prompt, a model name, template variables that are dataset columns.
 */
import {
  MissingModelNameError,
  MissingPromptError,
  NotFoundError,
  UnknownColumnError,
  ValidationError,
  WrongEvaluatorTypeError,
  requireMaxLength,
  requireNonEmptyString,
  requireUid,
  MAX_NAME_LENGTH,
  MAX_PROMPT_LENGTH,
  show,
} from '../../errors';
import { findBenchmark } from '../../db/benchmark.repository';
import { findCriteria } from '../../db/criteria.repository';
import { findDataset } from '../../db/dataset.repository';
import {
  findEvaluator,
  insertEvaluator,
  insertPromptVersion,
  insertPromptWorkflow,
  listPromptVersions,
  lockPromptWorkflow,
  type EvaluatorSummary,
  type PromptVersionRecord,
} from '../../db/evaluator.repository';
import type { Queryable } from '../../db/pool';
import { templateVariables } from '../../prompt/template';
import type { StorageContext } from '../common/context';
import { nextVersionName, resolvePromptVersion } from '../common/prompt-versions';

export type { PromptVersionRecord } from '../../db/evaluator.repository';

export interface PromptVersionParams {
  userPrompt?: string;
  systemPrompt?: string;
  modelName: string;
  /** Passed to the model provider untouched (e.g. `{ response_format: { type: 'json_object' } }`). */
  fmHyperparameters?: Record<string, unknown>;
}

export interface CreatePromptEvaluatorParams extends PromptVersionParams {
  criteriaUid: number;
  /** Name of the evaluator (default: "<criteria name> judge"). */
  name?: string;
  /** Name of the first version (default "v1"). */
  versionName?: string;
}

export interface UpdatePromptEvaluatorParams extends PromptVersionParams {
  /** Name of the new version; generated ("v2", "v3", …) when not given. */
  versionName?: string;
}

/** A prompt evaluator as stored: a summary whose prompt workflow is known. */
export type PromptEvaluatorRecord = EvaluatorSummary & { promptWorkflowUid: number };

/** Creates a prompt evaluator for a criteria, with its first prompt version. */
export async function createPromptEvaluator(
  ctx: StorageContext,
  params: CreatePromptEvaluatorParams,
): Promise<PromptEvaluatorRecord> {
  requireUid('criteriaUid', params.criteriaUid);
  const criteria = await findCriteria(ctx.db, params.criteriaUid);
  if (!criteria) throw new NotFoundError('criteria', params.criteriaUid);
  const version = await validateVersion(ctx.db, criteria.benchmarkUid, params);
  const versionName = params.versionName ?? 'v1';
  requireNonEmptyString('versionName', versionName);
  const evaluatorUid = await ctx.db.withTransaction(async (tx) => {
    const promptWorkflowUid = await insertPromptWorkflow(tx);
    const uid = await insertEvaluator(tx, {
      type: 'prompt',
      name: params.name ?? `${criteria.name} judge`,
      benchmarkUid: criteria.benchmarkUid,
      criteriaUid: criteria.uid,
      promptWorkflowUid,
    });
    await insertPromptVersion(tx, promptWorkflowUid, { ...version, name: versionName });
    return uid;
  });
  return requirePromptEvaluator(ctx, evaluatorUid);
}

/** NotFoundError for an unknown uid, WrongEvaluatorTypeError for an evaluator of another type. */
export async function requirePromptEvaluator(
  ctx: StorageContext,
  evaluatorUid: number,
): Promise<PromptEvaluatorRecord> {
  const e = await findEvaluator(ctx.db, evaluatorUid);
  if (!e) throw new NotFoundError('evaluator', evaluatorUid);
  if (e.type !== 'prompt' || e.promptWorkflowUid === null)
    throw new WrongEvaluatorTypeError(evaluatorUid, e.type, 'prompt');
  return { ...e, promptWorkflowUid: e.promptWorkflowUid };
}

/** Creates a new prompt version, makes it the latest, and returns its name. */
export async function addPromptVersion(
  ctx: StorageContext,
  evaluator: { benchmarkUid: number; promptWorkflowUid: number },
  params: UpdatePromptEvaluatorParams,
): Promise<string> {
  const version = await validateVersion(ctx.db, evaluator.benchmarkUid, params);
  return ctx.db.withTransaction(async (tx) => {
    // Serialise updates of one evaluator so generated names cannot collide.
    await lockPromptWorkflow(tx, evaluator.promptWorkflowUid);
    const name =
      params.versionName ??
      nextVersionName((await listPromptVersions(tx, evaluator.promptWorkflowUid)).map((v) => v.name));
    requireNonEmptyString('versionName', name);
    await insertPromptVersion(tx, evaluator.promptWorkflowUid, { ...version, name });
    return name;
  });
}

/** Version names, oldest first. */
export async function listPromptVersionNames(ctx: StorageContext, promptWorkflowUid: number): Promise<string[]> {
  return (await listPromptVersions(ctx.db, promptWorkflowUid)).map((v) => v.name);
}

/** The documented checks: a prompt, a model name, template variables that are dataset columns. */
async function validateVersion(
  q: Queryable,
  benchmarkUid: number,
  p: PromptVersionParams,
): Promise<PromptVersionParams> {
  const userPrompt = p.userPrompt?.trim() ? p.userPrompt : undefined;
  const systemPrompt = p.systemPrompt?.trim() ? p.systemPrompt : undefined;
  if (!userPrompt && !systemPrompt) throw new MissingPromptError();
  if (typeof p.modelName !== 'string' || !p.modelName.trim()) throw new MissingModelNameError(p.modelName);
  requireMaxLength('modelName', p.modelName, MAX_NAME_LENGTH);
  if (userPrompt) requireMaxLength('userPrompt', userPrompt, MAX_PROMPT_LENGTH);
  if (systemPrompt) requireMaxLength('systemPrompt', systemPrompt, MAX_PROMPT_LENGTH);
  // JavaScript callers can pass anything: check the value, not its declared type.
  const hyperparameters: unknown = p.fmHyperparameters;
  if (
    hyperparameters !== undefined &&
    (hyperparameters === null || typeof hyperparameters !== 'object' || Array.isArray(hyperparameters))
  ) {
    throw new ValidationError(`fmHyperparameters must be an object, got ${show(hyperparameters)}`);
  }
  const benchmark = await findBenchmark(q, benchmarkUid);
  if (!benchmark) throw new NotFoundError('benchmark', benchmarkUid);
  const columns = (await findDataset(q, benchmark.datasetUid))!.columns;
  for (const [which, template] of [
    ['systemPrompt', systemPrompt],
    ['userPrompt', userPrompt],
  ] as const) {
    for (const variable of templateVariables(template ?? '')) {
      if (!columns.includes(variable)) throw new UnknownColumnError(variable, columns, `${which} uses {{${variable}}}`);
    }
  }
  return { userPrompt, systemPrompt, modelName: p.modelName, fmHyperparameters: p.fmHyperparameters };
}

/** A stored version (the latest when no name is given), or UnknownVersionError naming the versions there are. */
export function getPromptVersion(
  ctx: StorageContext,
  promptWorkflowUid: number,
  versionName?: string,
): Promise<PromptVersionRecord> {
  return resolvePromptVersion(ctx.db, promptWorkflowUid, versionName);
}
