/**
 * A gate for CI: thresholds a benchmark execution must meet, checked per evaluator (overall or on one slice) against
 * the conservative end of each interval, and against a baseline execution's paired comparison. Pure: the caller
 * passes the agreement summary and, for the regression check, the comparison.
 */
import type { AgreementSummary } from './agreement-summary';
import type { BenchmarkSummary } from './benchmark-summary';
import type { ExecutionComparison } from './paired-comparison';

export interface GateThresholds {
  /** The lower end of accuracy's interval must reach this (0–1). */
  minAccuracy?: number;
  /** The lower end of Cohen's κ's interval must reach this (−1–1). */
  minKappa?: number;
  /** Row errors / rows run must stay at or below this (0–1). */
  maxErrorRate?: number;
  /** Against the baseline: no metric may be significantly worse (paired test; docs/agreement.md). */
  noSignificantRegression?: boolean;
}

export type GateCheckName = 'min-accuracy' | 'min-kappa' | 'max-error-rate' | 'no-significant-regression';

export interface GateCheck {
  evaluatorUid: number;
  /** The slice checked; null for all rows. */
  slice: string | null;
  check: GateCheckName;
  threshold: number | boolean;
  /** What was compared with the threshold (an interval's lower end, an error rate); null when there was none. */
  value: number | null;
  passed: boolean;
  /** One line: what was found, and why it passed or failed. */
  reason: string;
}

/** The checks of every evaluator (or `evaluatorUids`), on all rows or on `slice`. */
export function evaluateGate(
  thresholds: GateThresholds,
  summary: BenchmarkSummary,
  comparison: ExecutionComparison | null,
  scope: { evaluatorUids?: number[]; slice?: string } = {},
): GateCheck[] {
  const checks: GateCheck[] = [];
  const slice = scope.slice ?? null;
  for (const e of summary.evaluators) {
    if (scope.evaluatorUids && !scope.evaluatorUids.includes(e.evaluatorUid)) continue;
    const s: AgreementSummary | undefined = slice === null ? e.overall : e.bySlice[slice];
    if (!s) continue;
    const at = { evaluatorUid: e.evaluatorUid, slice };
    if (thresholds.minAccuracy !== undefined)
      checks.push({
        ...at,
        ...lowerEndCheck('min-accuracy', 'accuracy', thresholds.minAccuracy, s.intervals.accuracy),
      });
    if (thresholds.minKappa !== undefined)
      checks.push({ ...at, ...lowerEndCheck('min-kappa', "Cohen's κ", thresholds.minKappa, s.intervals.kappa) });
    if (thresholds.maxErrorRate !== undefined) {
      const rate = s.total === 0 ? null : s.errors / s.total;
      checks.push({
        ...at,
        check: 'max-error-rate',
        threshold: thresholds.maxErrorRate,
        value: rate,
        passed: rate !== null && rate <= thresholds.maxErrorRate,
        reason:
          rate === null
            ? 'no row was run'
            : `${s.errors} of ${s.total} rows are row errors (${fmt(rate)}), ` +
              (rate <= thresholds.maxErrorRate ? 'at most ' : 'more than ') +
              fmt(thresholds.maxErrorRate),
      });
    }
    if (thresholds.noSignificantRegression) checks.push({ ...at, ...regressionCheck(e.evaluatorUid, comparison) });
  }
  return checks;
}

function lowerEndCheck(
  check: GateCheckName,
  what: string,
  threshold: number,
  interval: { low: number; high: number } | null,
): Omit<GateCheck, 'evaluatorUid' | 'slice'> {
  if (!interval)
    return { check, threshold, value: null, passed: false, reason: `${what} has no interval (too few rows to tell)` };
  const passed = interval.low >= threshold;
  return {
    check,
    threshold,
    value: interval.low,
    passed,
    reason:
      `${what}'s interval is ${fmt(interval.low)} to ${fmt(interval.high)}: its lower end is ` +
      `${passed ? 'at least' : 'below'} ${fmt(threshold)}`,
  };
}

function regressionCheck(
  evaluatorUid: number,
  comparison: ExecutionComparison | null,
): Omit<GateCheck, 'evaluatorUid' | 'slice'> {
  const base = { check: 'no-significant-regression' as const, threshold: true, value: null };
  const mine = comparison?.evaluators.find((c) => c.evaluatorUid === evaluatorUid);
  if (!mine) return { ...base, passed: false, reason: 'the baseline shares no judged datapoint with this evaluator' };
  const worse = mine.changes.filter((c) => c.verdict === 'worse');
  return {
    ...base,
    passed: worse.length === 0,
    reason:
      worse.length === 0
        ? `no metric is significantly worse than the baseline's (${mine.compared} datapoints compared)`
        : `significantly worse than the baseline: ${worse.map((c) => `${c.metric} ${fmt(c.delta ?? 0)}`).join(', ')}`,
  };
}

const fmt = (x: number) => x.toFixed(3);
