/** Evaluators (prompt and code) and the prompt workflows and versions of prompt evaluators. */
import type { Queryable } from './pool';
import { DuplicateError } from '../errors';
import { UNIQUE_VIOLATION, sqlState } from './errors';

export interface EvaluatorSummary {
  evaluatorUid: number;
  type: 'prompt' | 'code';
  name: string;
  benchmarkUid: number;
  criteriaUid: number;
  promptWorkflowUid: number | null;
  createdAt: Date;
}

export interface PromptVersionRecord {
  uid: number;
  name: string;
  systemPrompt: string | null;
  userPrompt: string | null;
  modelName: string;
  fmHyperparameters: Record<string, unknown> | null;
  createdAt: Date;
}

const selectEvaluator = `
  SELECT uid AS "evaluatorUid", type, name, benchmark_uid AS "benchmarkUid", criteria_uid AS "criteriaUid",
         prompt_workflow_uid AS "promptWorkflowUid", created_at AS "createdAt" FROM evaluators`;

export async function findEvaluator(q: Queryable, uid: number): Promise<EvaluatorSummary | undefined> {
  return (await q.query<EvaluatorSummary>(`${selectEvaluator} WHERE uid = $1`, [uid])).rows[0];
}

export async function listEvaluators(q: Queryable, benchmarkUid: number): Promise<EvaluatorSummary[]> {
  return (await q.query<EvaluatorSummary>(`${selectEvaluator} WHERE benchmark_uid = $1 ORDER BY uid`, [benchmarkUid]))
    .rows;
}

export async function insertEvaluator(
  q: Queryable,
  e: {
    type: 'prompt' | 'code';
    name: string;
    benchmarkUid: number;
    criteriaUid: number;
    promptWorkflowUid: number | null;
  },
): Promise<number> {
  const { rows } = await q.query<{ uid: number }>(
    `INSERT INTO evaluators (type, name, benchmark_uid, criteria_uid, prompt_workflow_uid) VALUES ($1, $2, $3, $4, $5) RETURNING uid`,
    [e.type, e.name, e.benchmarkUid, e.criteriaUid, e.promptWorkflowUid],
  );
  return rows[0]!.uid;
}

export async function insertPromptWorkflow(q: Queryable): Promise<number> {
  return (await q.query<{ uid: number }>(`INSERT INTO prompt_workflows DEFAULT VALUES RETURNING uid`)).rows[0]!.uid;
}

export async function insertPromptVersion(
  q: Queryable,
  promptWorkflowUid: number,
  v: {
    name: string;
    systemPrompt?: string;
    userPrompt?: string;
    modelName: string;
    fmHyperparameters?: Record<string, unknown>;
  },
): Promise<void> {
  try {
    await q.query(
      `INSERT INTO prompt_versions (prompt_workflow_uid, name, system_prompt, user_prompt, model_name, fm_hyperparameters)
       VALUES ($1, $2, $3, $4, $5, $6)`,
      [
        promptWorkflowUid,
        v.name,
        v.systemPrompt ?? null,
        v.userPrompt ?? null,
        v.modelName,
        v.fmHyperparameters === undefined ? null : JSON.stringify(v.fmHyperparameters),
      ],
    );
  } catch (err) {
    if (sqlState(err) === UNIQUE_VIOLATION)
      throw new DuplicateError('prompt version', v.name, `prompt workflow ${promptWorkflowUid}`);
    throw err;
  }
}

/** Versions oldest first; the last is the latest. */
export async function listPromptVersions(q: Queryable, promptWorkflowUid: number): Promise<PromptVersionRecord[]> {
  const { rows } = await q.query<PromptVersionRecord>(
    `SELECT uid, name, system_prompt AS "systemPrompt", user_prompt AS "userPrompt", model_name AS "modelName",
            fm_hyperparameters AS "fmHyperparameters", created_at AS "createdAt"
       FROM prompt_versions WHERE prompt_workflow_uid = $1 ORDER BY created_at, uid`,
    [promptWorkflowUid],
  );
  return rows;
}

/** Locks a prompt workflow's row until the transaction ends, so concurrent updates take turns. */
export async function lockPromptWorkflow(q: Queryable, promptWorkflowUid: number): Promise<void> {
  await q.query(`SELECT 1 FROM prompt_workflows WHERE uid = $1 FOR UPDATE`, [promptWorkflowUid]);
}
