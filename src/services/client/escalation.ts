/**
 * Escalation: a cascade over a benchmark execution. The cheap evaluator already judged every row with a confidence
 * (samples or logprobs); the rows below a threshold — given, or chosen from a labelled calibration split to reach a
 * target accuracy — are judged again by a stronger evaluator (one execution per split, of those rows only), and
 * optionally flagged for human review where the two judges disagree (docs/judging.md, "Escalation").
 */
import { ValidationError, show } from '../../errors';
import { listCascadeRows, insertReviewFlags, listReviewFlags, type CascadeRow } from '../../db/escalation.repository';
import { findCriteria } from '../../db/criteria.repository';
import { summarizeAgreement, type AgreementSummary } from '../../metrics/agreement';
import { thresholdForTarget, type ChosenThreshold } from '../../metrics/cascade-threshold';
import type { ServiceContext } from './context';
import { requireBenchmarkExecution } from './benchmark-executions';
import {
  pollEvaluatorExecution,
  requireEvaluatorExecution,
  startEvaluatorExecution,
  type ExecutionResults,
} from './evaluator-executions';
import { resolveJurors } from './jury';

export interface EscalationOptions {
  /** The cheap evaluator: it ran in this benchmark execution with a confidence per row (samples > 1 or logprobs). */
  from: number;
  /** The stronger evaluator of the same criteria that judges the escalated rows. */
  to: number;
  /** Escalate the rows whose confidence is below this (0 to 1)… */
  threshold?: number;
  /** …or the threshold that reaches this accuracy on the labelled rows of `calibrationSplit` (not escalated). */
  targetAccuracy?: number;
  calibrationSplit?: string;
  /** Flag the escalated rows the stronger judge decided differently for human review (`judgeflow review list`). */
  flagForReview?: boolean;
  concurrency?: number;
}

export interface Spend {
  rows: number;
  tokens: number;
  /** null when a row's model had no price. */
  costUsd: number | null;
}

export interface EscalationReport {
  benchmarkExecutionUid: number;
  from: number;
  to: number;
  threshold: number | null;
  /** How the threshold was chosen, when from a target. */
  calibration: (ChosenThreshold & { targetAccuracy: number; split: string; rows: number }) | null;
  /** Rows the cascade covers (every split but the calibration one), and how many went to the stronger judge. */
  rows: number;
  escalated: number;
  escalatedShare: number | null;
  /** The stronger evaluator's executions, one per split with escalated rows. */
  executions: { split: string; executionUid: number; rows: number }[];
  /** The cheap judge alone and the cascade, against ground truth, over the covered rows. */
  before: AgreementSummary;
  after: AgreementSummary;
  cost: { cheap: Spend; strong: Spend };
  flagged: number;
}

export async function escalateBenchmarkExecution(
  ctx: ServiceContext,
  benchmarkExecutionUid: number,
  options: EscalationOptions,
): Promise<EscalationReport> {
  const execution = await requireBenchmarkExecution(ctx, benchmarkExecutionUid);
  const [cheap, judge] = await resolveJurors(ctx, execution.benchmarkUid, [options.from, options.to], 'escalation');
  if (judge!.promptWorkflowUid === null)
    throw new ValidationError(`evaluator ${judge!.evaluatorUid} is not a prompt evaluator: it cannot judge rows`);
  const strong = { ...judge!, promptWorkflowUid: judge!.promptWorkflowUid };
  const labels = (await findCriteria(ctx.db, cheap!.criteriaUid))!.labels.map((l) => l.score);
  const all = await listCascadeRows(ctx.db, {
    benchmarkExecutionUid,
    evaluatorUid: cheap!.evaluatorUid,
    criteriaUid: cheap!.criteriaUid,
  });
  checkOptions(options, execution.splits, all, cheap!.evaluatorUid);

  let threshold = options.threshold ?? null;
  let calibration: EscalationReport['calibration'] = null;
  if (options.targetAccuracy !== undefined) {
    const labelled = all.filter((r) => r.split === options.calibrationSplit && r.truth !== null);
    const chosen = thresholdForTarget(
      labelled.map((r) => ({ confidence: r.score === null ? null : r.confidence, correct: r.score === r.truth })),
      options.targetAccuracy,
    );
    threshold = chosen.threshold;
    calibration = {
      ...chosen,
      targetAccuracy: options.targetAccuracy,
      split: options.calibrationSplit!,
      rows: labelled.length,
    };
  }
  const covered = all.filter((r) => r.split !== options.calibrationSplit);
  // A row the cheap judge could not judge, or judged below the threshold, goes up; without a threshold, every row.
  const escalate = (r: CascadeRow) => r.score === null || threshold === null || (r.confidence ?? 0) < threshold;
  const up = covered.filter(escalate);

  const executions: EscalationReport['executions'] = [];
  for (const [split, xUids] of xUidsBySplit(up)) {
    const executionUid = await startEvaluatorExecution(ctx, strong, {
      split,
      xUids,
      concurrency: options.concurrency,
    });
    executions.push({ split, executionUid, rows: xUids.length });
  }
  const strongResults: ExecutionResults = {};
  for (const x of executions)
    Object.assign(
      strongResults,
      (await pollEvaluatorExecution(ctx, strong.evaluatorUid, x.executionUid, { sync: true }))[1],
    );

  // The stronger judge's verdict where it gave one; the cheap judge's where it did not.
  const verdict = (r: CascadeRow) => (escalate(r) ? (strongResults[r.xUid]?.score ?? r.score) : r.score);
  const flagged = options.flagForReview ? await flagDisagreements(ctx, executions, up, strongResults) : 0;
  return {
    benchmarkExecutionUid,
    from: cheap!.evaluatorUid,
    to: strong.evaluatorUid,
    threshold,
    calibration,
    rows: covered.length,
    escalated: up.length,
    escalatedShare: covered.length ? up.length / covered.length : null,
    executions,
    before: summarizeAgreement(
      covered.map((r) => [r.score, r.truth]),
      labels,
    ),
    after: summarizeAgreement(
      covered.map((r) => [verdict(r), r.truth]),
      labels,
    ),
    cost: {
      cheap: spendOf(covered),
      strong: spendOf(Object.values(strongResults).map((r) => ({ ...r.usage, costUsd: r.costUsd }))),
    },
    flagged,
  };
}

/** The rows of an evaluator execution flagged for human review, with why. */
export async function reviewFlagsOf(ctx: ServiceContext, executionUid: number) {
  await requireEvaluatorExecution(ctx, executionUid);
  return listReviewFlags(ctx.db, executionUid);
}

/** The rows' x_uids per split, in row order. */
function xUidsBySplit(rows: CascadeRow[]): Map<string, string[]> {
  const bySplit = new Map<string, string[]>();
  for (const r of rows) {
    const xUids = bySplit.get(r.split) ?? [];
    if (!xUids.length) bySplit.set(r.split, xUids);
    xUids.push(r.xUid);
  }
  return bySplit;
}

function checkOptions(o: EscalationOptions, splits: string[], rows: CascadeRow[], cheap: number) {
  const given = [o.threshold !== undefined, o.targetAccuracy !== undefined].filter(Boolean).length;
  if (given !== 1) throw new ValidationError('give exactly one of threshold and targetAccuracy');
  if (o.threshold !== undefined && !(typeof o.threshold === 'number' && o.threshold >= 0 && o.threshold <= 1))
    throw new ValidationError(`threshold must be a number from 0 to 1, got ${show(o.threshold)}`);
  if (o.targetAccuracy !== undefined) {
    if (!(typeof o.targetAccuracy === 'number' && o.targetAccuracy > 0 && o.targetAccuracy < 1))
      throw new ValidationError(`targetAccuracy must be a number between 0 and 1, got ${show(o.targetAccuracy)}`);
    if (o.calibrationSplit === undefined || !splits.includes(o.calibrationSplit))
      throw new ValidationError(
        `targetAccuracy needs calibrationSplit, a labelled split of the execution (${splits.join(', ')}), ` +
          `got ${show(o.calibrationSplit)}`,
      );
  }
  if (!rows.some((r) => r.confidence !== null))
    throw new ValidationError(
      `evaluator ${cheap} has no confidence on its rows in this execution: run it with samples > 1 or scoring ` +
        '"logprobs" to escalate by confidence',
    );
}

async function flagDisagreements(
  ctx: ServiceContext,
  executions: EscalationReport['executions'],
  up: CascadeRow[],
  strong: ExecutionResults,
): Promise<number> {
  let flagged = 0;
  for (const x of executions) {
    const flags = up
      .filter((r) => r.split === x.split && strong[r.xUid] && strong[r.xUid]!.score !== r.score)
      .map((r) => ({
        xUid: r.xUid,
        reason:
          `the cheap judge said ${r.score ?? 'nothing'}` +
          (r.confidence === null ? '' : ` (confidence ${r.confidence.toFixed(2)})`) +
          `, the stronger judge ${strong[r.xUid]!.score ?? 'nothing'}`,
      }));
    await insertReviewFlags(ctx.db, x.executionUid, flags);
    flagged += flags.length;
  }
  return flagged;
}

function spendOf(
  rows: { promptTokens?: number | null; completionTokens?: number | null; costUsd?: number | null }[],
): Spend {
  return {
    rows: rows.length,
    tokens: rows.reduce((a, r) => a + (r.promptTokens ?? 0) + (r.completionTokens ?? 0), 0),
    costUsd: rows.some((r) => r.costUsd === null || r.costUsd === undefined)
      ? null
      : rows.reduce((a, r) => a + r.costUsd!, 0),
  };
}
