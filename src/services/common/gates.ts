/**
 * `judgeflow gate`: checks a finished benchmark execution against thresholds (and a baseline), stores the outcome
 * with who asked and when, and returns it. Bad thresholds, an unknown evaluator or slice, a running execution: a
 * ValidationError before anything is stored.
 */
import { insertGateResult, listGateResults, type GateResultRecord } from '../../db/gate.repository';
import { InvalidGateError, ValidationError } from '../../errors';
import { evaluateGate, type GateCheck, type GateThresholds } from '../../metrics/gate';
import { summarizeBenchmarkExecution } from './benchmark-summary';
import type { StorageContext } from './context';
import { requireBenchmarkExecution } from './benchmark-execution-records';
import { compareBenchmarkExecutions } from './comparison';

export interface GateOptions extends GateThresholds {
  /** The execution to compare with for `noSignificantRegression`. */
  baseline?: number;
  /** Only these evaluators (default: every evaluator the execution ran). */
  evaluatorUids?: number[];
  /** Check this slice's rows instead of all rows (the regression check always compares all rows). */
  slice?: string;
}

export interface GateResult {
  gateUid: number;
  benchmarkExecutionUid: number;
  baselineUid: number | null;
  passed: boolean;
  checks: GateCheck[];
  createdBy: string;
  createdAt: Date;
}

/** `recordedBy`: who the stored result names (default the configured user; a scheduled run names its schedule). */
export async function gateBenchmarkExecution(
  ctx: StorageContext,
  benchmarkExecutionUid: number,
  options: GateOptions,
  recordedBy: string = ctx.config.user,
): Promise<GateResult> {
  checkGateOptions(options);
  const record = await requireBenchmarkExecution(ctx, benchmarkExecutionUid);
  if (record.status === 'running')
    throw new ValidationError(
      `benchmark execution ${benchmarkExecutionUid} is still running: gate it once it has ended (wait for it, or ` +
        '`benchmark execute --sync`)',
    );
  const summary = await summarizeBenchmarkExecution(ctx.db, benchmarkExecutionUid);
  const ran = summary.evaluators.map((e) => e.evaluatorUid);
  for (const uid of options.evaluatorUids ?? [])
    if (!ran.includes(uid))
      throw new ValidationError(
        `evaluator ${uid} was not run by benchmark execution ${benchmarkExecutionUid}; it ran ${ran.join(', ') || 'none'}`,
      );
  if (options.slice !== undefined) {
    const slices = Object.keys(summary.evaluators[0]?.bySlice ?? {});
    if (!slices.includes(options.slice))
      throw new ValidationError(
        `slice ${JSON.stringify(options.slice)} is not a slice of this benchmark; its slices: ` +
          (slices.map((s) => JSON.stringify(s)).join(', ') || '(none)'),
      );
  }
  const comparison = options.noSignificantRegression
    ? await compareBenchmarkExecutions(ctx, options.baseline!, benchmarkExecutionUid)
    : null;
  const checks = evaluateGate(options, summary, comparison, {
    evaluatorUids: options.evaluatorUids,
    slice: options.slice,
  });
  const thresholds: Record<string, unknown> = { ...options };
  const stored = await insertGateResult(ctx.db, {
    benchmarkExecutionUid,
    baselineUid: options.baseline ?? null,
    thresholds,
    checks,
    passed: checks.every((c) => c.passed),
    createdBy: recordedBy,
  });
  return resultOf(stored);
}

/** The gate results stored for a benchmark execution, oldest first. */
export async function listBenchmarkExecutionGates(ctx: StorageContext, benchmarkExecutionUid: number) {
  return (await listGateResults(ctx.db, benchmarkExecutionUid)).map(resultOf);
}

const resultOf = (r: GateResultRecord): GateResult => ({
  gateUid: r.uid,
  benchmarkExecutionUid: r.benchmarkExecutionUid,
  baselineUid: r.baselineUid,
  passed: r.passed,
  checks: r.checks as GateCheck[],
  createdBy: r.createdBy,
  createdAt: r.createdAt,
});

/** Refuses thresholds out of range, a gate without any, and a baseline without the check that uses it. */
export function checkGateOptions(o: GateOptions): void {
  const share = (name: string, v: number | undefined, low: number) => {
    if (v !== undefined && !(typeof v === 'number' && Number.isFinite(v) && v >= low && v <= 1))
      throw new InvalidGateError(`${name} must be a number from ${low} to 1, got ${String(v)}`);
  };
  share('minAccuracy', o.minAccuracy, 0);
  share('minKappa', o.minKappa, -1);
  share('maxErrorRate', o.maxErrorRate, 0);
  if (
    o.minAccuracy === undefined &&
    o.minKappa === undefined &&
    o.maxErrorRate === undefined &&
    !o.noSignificantRegression
  )
    throw new InvalidGateError(
      'a gate needs at least one threshold: minAccuracy, minKappa, maxErrorRate or noSignificantRegression',
    );
  if (o.noSignificantRegression && o.baseline === undefined)
    throw new InvalidGateError(
      'noSignificantRegression compares with a baseline: give baseline (a benchmark execution uid)',
    );
  if (o.baseline !== undefined && !o.noSignificantRegression)
    throw new InvalidGateError('a baseline is only used by noSignificantRegression: add it, or leave the baseline out');
}
