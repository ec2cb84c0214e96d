/**
 * A code evaluator: scored by user code rather than a prompt. judgeflow stores it so benchmarks can hold evaluators
 * of several types (and `PromptEvaluator.get` can refuse them); running code evaluators is not supported yet.
 */
import { Judgeflow } from './Judgeflow';
import { NotFoundError, WrongEvaluatorTypeError, requireUid } from '../errors';
import { findCriteria } from '../db/criteria.repository';
import { findEvaluator, insertEvaluator } from '../db/evaluator.repository';

export class CodeEvaluator {
  private constructor(
    readonly evaluatorUid: number,
    readonly criteriaUid: number,
    readonly benchmarkUid: number,
    readonly name: string,
  ) {}

  static async create(params: { criteriaUid: number; name: string }, client?: Judgeflow): Promise<CodeEvaluator> {
    requireUid('criteriaUid', params.criteriaUid);
    const jf = Judgeflow.resolve(client);
    const criteria = await findCriteria(jf.db, params.criteriaUid);
    if (!criteria) throw new NotFoundError('criteria', params.criteriaUid);
    const uid = await insertEvaluator(jf.db, {
      type: 'code',
      name: params.name,
      benchmarkUid: criteria.benchmarkUid,
      criteriaUid: criteria.uid,
      promptWorkflowUid: null,
    });
    return new CodeEvaluator(uid, criteria.uid, criteria.benchmarkUid, params.name);
  }

  static async get(evaluatorUid: number, client?: Judgeflow): Promise<CodeEvaluator> {
    requireUid('evaluatorUid', evaluatorUid);
    const jf = Judgeflow.resolve(client);
    const e = await findEvaluator(jf.db, evaluatorUid);
    if (!e) throw new NotFoundError('evaluator', evaluatorUid);
    if (e.type !== 'code') throw new WrongEvaluatorTypeError(evaluatorUid, e.type, 'code');
    return new CodeEvaluator(e.evaluatorUid, e.criteriaUid, e.benchmarkUid, e.name);
  }
}
