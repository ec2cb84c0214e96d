/**
 * Order-bias and prompt-sensitivity measurement: an evaluator run twice over the same rows, differing in one thing
 * only — its labels listed in the criteria's order and reversed, or two prompt versions — and how far the verdicts
 * move between the two runs (docs/judging.md, "Order bias").
 */
import { ValidationError, show } from '../../errors';
import type { LabelOrder } from '../../shared/sampling';
import { verdictFlips, meanInterval, type VerdictFlips } from '../../metrics/verdict-flips';
import type { Interval } from '../../metrics/bootstrap';
import { findCriteria } from '../../db/criteria.repository';
import type { EvaluatorRef } from '../common/evaluator-execution-records';
import type { ServiceContext } from './context';
import { pollEvaluatorExecution, startEvaluatorExecution, type ExecutionResults } from './evaluator-executions';

export interface VerdictFlipOptions {
  split: string;
  numRows?: number;
  concurrency?: number;
  /** Two prompt versions to compare (both with labels in order); without, the latest version under two label orders. */
  versions?: [string, string];
}

export interface VerdictFlipRun {
  executionUid: number;
  versionName: string | null;
  labelOrder: LabelOrder;
}

export interface VerdictFlipReport extends VerdictFlips {
  evaluatorUid: number;
  split: string;
  compared: 'label order' | 'prompt versions';
  a: VerdictFlipRun;
  b: VerdictFlipRun;
  /**
   * Label order only: the mean move toward the label listed first, in score units — (score with labels reversed −
   * score in order), signed so that a positive value moves toward whichever label is listed first.
   */
  shiftTowardFirst: number | null;
  shiftTowardFirstInterval: Interval | null;
}

export async function measureVerdictFlips(
  ctx: ServiceContext,
  evaluator: EvaluatorRef & { criteriaUid: number },
  options: VerdictFlipOptions,
): Promise<VerdictFlipReport> {
  const { versions } = options;
  const given: unknown = versions;
  if (given !== undefined && (!Array.isArray(given) || given.length !== 2 || given[0] === given[1]))
    throw new ValidationError(`versions must be two different prompt version names, got ${show(versions)}`);
  const runs: [Omit<VerdictFlipRun, 'executionUid'>, Omit<VerdictFlipRun, 'executionUid'>] = versions
    ? [
        { versionName: versions[0], labelOrder: 'fixed' },
        { versionName: versions[1], labelOrder: 'fixed' },
      ]
    : [
        { versionName: null, labelOrder: 'fixed' },
        { versionName: null, labelOrder: 'reversed' },
      ];
  const uids: number[] = [];
  for (const run of runs)
    uids.push(
      await startEvaluatorExecution(ctx, evaluator, {
        split: options.split,
        numRows: options.numRows,
        concurrency: options.concurrency,
        labelOrder: run.labelOrder,
        ...(run.versionName !== null && { versionName: run.versionName }),
      }),
    );
  const [a, b] = await Promise.all(
    uids.map(async (uid) => (await pollEvaluatorExecution(ctx, evaluator.evaluatorUid, uid, { sync: true }))[1]),
  );
  const pairs = pairUp(a!, b!);
  const flips = verdictFlips(pairs);
  let toward: ReturnType<typeof meanInterval> = null;
  if (!versions) {
    // With labels reversed the first-listed label is the criteria's last: moving toward it is moving its way.
    const labels = (await findCriteria(ctx.db, evaluator.criteriaUid))!.labels.map((l) => l.score);
    const sign = Math.sign(labels[labels.length - 1]! - labels[0]!) || 1;
    toward = meanInterval(pairs.filter((p) => p.a !== null && p.b !== null).map((p) => sign * (p.b! - p.a!)));
  }
  return {
    evaluatorUid: evaluator.evaluatorUid,
    split: options.split,
    compared: versions ? 'prompt versions' : 'label order',
    a: { executionUid: uids[0]!, ...runs[0] },
    b: { executionUid: uids[1]!, ...runs[1] },
    ...flips,
    shiftTowardFirst: toward?.mean ?? null,
    shiftTowardFirstInterval: toward?.interval ?? null,
  };
}

function pairUp(a: ExecutionResults, b: ExecutionResults) {
  return Object.keys(a)
    .filter((xUid) => Object.hasOwn(b, xUid))
    .map((xUid) => ({ a: a[xUid]!.score, b: b[xUid]!.score }));
}
