/**
 * Is this change real? Two executions judged the same datapoints (another prompt version, model or judge): how many
 * verdicts were fixed, broken or changed and still wrong; McNemar's exact test on the correct/incorrect pairs; a
 * paired bootstrap (datapoints resampled jointly, so each keeps both verdicts) of Δaccuracy and Δκ; and a verdict per
 * metric, with a loud note when a shown difference is inside the noise.
 */
import { cohensKappa, accuracy } from './agreement';
import {
  BOOTSTRAP_DEFAULTS,
  bootstrapIntervals,
  type BootstrapMethod,
  type BootstrapOptions,
  type Interval,
} from './bootstrap';
import { labelPositions, weightedConfusion, type ConfusionMatrix } from './confusion-matrix';
import { mcnemarExactP } from './mcnemar';

export type ChangeVerdict = 'better' | 'worse' | 'no detectable difference';

export interface MetricChange {
  metric: 'accuracy' | 'kappa';
  before: number | null;
  after: number | null;
  /** after − before. */
  delta: number | null;
  /** Paired-bootstrap interval of the delta. */
  interval: Interval | null;
  /** McNemar's exact p-value (accuracy only: κ's verdict reads its interval). */
  pValue: number | null;
  verdict: ChangeVerdict;
}

export interface PairedComparison {
  /** Datapoints both executions scored that have ground truth: the pairs compared. */
  compared: number;
  /** Wrong before, right after. */
  fixed: number;
  /** Right before, wrong after. */
  broken: number;
  /** Wrong before and after, with a different label. */
  changedStillWrong: number;
  unchangedRight: number;
  unchangedWrong: number;
  changes: MetricChange[];
  intervalMethod: BootstrapMethod;
  /** Significance level of the verdicts: 1 − the intervals' level (0.05 by default). */
  alpha: number;
  notes: string[];
}

/** One evaluator's comparison between two benchmark executions. */
export interface EvaluatorComparison extends PairedComparison {
  evaluatorUid: number;
  /** Datapoints both executions have a result for (scored or row error), with or without ground truth. */
  shared: number;
}

/** Two benchmark executions compared, evaluator by evaluator. */
export interface ExecutionComparison {
  before: number;
  after: number;
  evaluators: EvaluatorComparison[];
}

/** Adds datapoints judged by both executions, then `result()`. */
export class PairedComparisonAccumulator {
  private readonly labels: number[];
  private readonly index: Map<number, number>;
  private readonly truths: number[] = [];
  private readonly before: number[] = [];
  private readonly after: number[] = [];

  constructor(labelScores: number[]) {
    ({ labels: this.labels, index: this.index } = labelPositions(labelScores));
  }

  /** A datapoint both executions were run on; left out unless both scored it and it has ground truth. */
  add(truth: number | null, before: number | null, after: number | null): void {
    if (truth === null || before === null || after === null) return;
    const [t, b, a] = [this.index.get(truth), this.index.get(before), this.index.get(after)];
    if (t === undefined || b === undefined || a === undefined) return;
    this.truths.push(t);
    this.before.push(b);
    this.after.push(a);
  }

  result(options: BootstrapOptions = {}): PairedComparison {
    const n = this.truths.length;
    const tallies = { fixed: 0, broken: 0, changedStillWrong: 0, unchangedRight: 0, unchangedWrong: 0 };
    for (let p = 0; p < n; p++) {
      const rightBefore = this.before[p] === this.truths[p];
      const rightAfter = this.after[p] === this.truths[p];
      if (rightBefore && rightAfter) tallies.unchangedRight += 1;
      else if (rightAfter) tallies.fixed += 1;
      else if (rightBefore) tallies.broken += 1;
      else if (this.before[p] !== this.after[p]) tallies.changedStillWrong += 1;
      else tallies.unchangedWrong += 1;
    }
    const point = this.changes(null);
    const { intervals, method } = bootstrapIntervals(
      n,
      (w) => {
        const c = this.changes(w);
        return { accuracy: c.accuracy.delta, kappa: c.kappa.delta };
      },
      ['accuracy', 'kappa'],
      options,
    );
    const alpha = 1 - (options.level ?? BOOTSTRAP_DEFAULTS.level);
    const pValue = mcnemarExactP(tallies.broken, tallies.fixed);
    const accuracyChange: MetricChange = {
      metric: 'accuracy',
      ...point.accuracy,
      interval: intervals.accuracy,
      pValue,
      verdict:
        point.accuracy.delta === null || pValue >= alpha ? 'no detectable difference' : sign(point.accuracy.delta),
    };
    const k = intervals.kappa;
    const kappaChange: MetricChange = {
      metric: 'kappa',
      ...point.kappa,
      interval: k,
      pValue: null,
      verdict: !k || (k.low <= 0 && k.high >= 0) ? 'no detectable difference' : sign(point.kappa.delta ?? 0),
    };
    const changes = [accuracyChange, kappaChange];
    return { compared: n, ...tallies, changes, intervalMethod: method, alpha, notes: readChanges(n, changes, alpha) };
  }

  /** Before, after and after − before of accuracy and κ, each pair weighing `weights[i]` (1 without weights). */
  private changes(weights: Uint32Array | null) {
    const before = weightedConfusion(this.labels, this.truths, this.before, weights);
    const after = weightedConfusion(this.labels, this.truths, this.after, weights);
    const change = (f: (m: ConfusionMatrix) => number | null) => {
      const [b, a] = [f(before), f(after)];
      return { before: b, after: a, delta: a === null || b === null ? null : a - b };
    };
    return { accuracy: change(accuracy), kappa: change(cohensKappa) };
  }
}

const sign = (delta: number): ChangeVerdict => (delta > 0 ? 'better' : 'worse');

/** Notes that say loudly when a shown difference is inside the noise, and when there is nothing to compare. */
function readChanges(n: number, changes: MetricChange[], alpha: number): string[] {
  if (n === 0) return ['no datapoint was scored by both executions and has ground truth: nothing to compare'];
  const notes: string[] = [];
  for (const c of changes) {
    if (c.delta === null || c.delta === 0) continue;
    const shown = c.metric === 'accuracy' ? `${(c.delta * 100).toFixed(1)} points` : c.delta.toFixed(3);
    const where = c.interval
      ? c.metric === 'accuracy'
        ? ` (interval ${(c.interval.low * 100).toFixed(1)} to ${(c.interval.high * 100).toFixed(1)} points${c.pValue === null ? '' : `, McNemar p = ${c.pValue.toPrecision(2)}`})`
        : ` (interval ${c.interval.low.toFixed(3)} to ${c.interval.high.toFixed(3)})`
      : ' (no interval: too few rows)';
    if (c.verdict === 'no detectable difference')
      notes.push(
        `${c.metric === 'accuracy' ? 'accuracy' : 'κ'} changed by ${c.delta > 0 ? '+' : ''}${shown}, but that is ` +
          `INSIDE THE NOISE at the ${alpha} level${where}: this difference is not evidence of a change`,
      );
    else
      notes.push(
        `${c.metric === 'accuracy' ? 'accuracy' : 'κ'} is ${c.verdict}: ${c.delta > 0 ? '+' : ''}${shown}${where}`,
      );
  }
  return notes;
}
