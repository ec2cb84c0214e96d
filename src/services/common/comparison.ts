/**
 * "Is this change real?" for two executions of one benchmark (a new prompt version, model or judge): per evaluator
 * both ran, the paired comparison of src/metrics/paired-comparison.ts over the datapoints both judged.
 */
import { listAgreementEvaluators } from '../../db/agreement.repository';
import { listExecutionPromptVersions, listPairedVerdicts } from '../../db/report.repository';
import { ValidationError } from '../../errors';
import type { BootstrapOptions } from '../../metrics/bootstrap';
import { PairedComparisonAccumulator, type ExecutionComparison } from '../../metrics/paired-comparison';
import type { PromptChange } from '../../shared/prompt-changes';
import type { StorageContext } from './context';
import { requireBenchmarkExecution } from './benchmark-execution-records';
import { diffPromptVersions } from './prompt-diff';

/** The paired comparison, and what changed in each evaluator's prompt version between the two. */
export interface BenchmarkComparison extends ExecutionComparison {
  /** Per evaluator that both ran: the prompt versions and a line diff of every field that differs. */
  promptChanges: PromptChange[];
}

/** Two different executions of one benchmark, or a ValidationError naming what differs. */
export async function requireComparableExecutions(ctx: StorageContext, beforeUid: number, afterUid: number) {
  if (beforeUid === afterUid)
    throw new ValidationError(`a comparison needs two different benchmark executions, got ${beforeUid} twice`);
  const [a, b] = [await requireBenchmarkExecution(ctx, beforeUid), await requireBenchmarkExecution(ctx, afterUid)];
  if (a.benchmarkUid !== b.benchmarkUid)
    throw new ValidationError(
      `a comparison is of executions of one benchmark (so of the same criteria and datapoints): ${beforeUid} is of ` +
        `benchmark ${a.benchmarkUid}, ${afterUid} of benchmark ${b.benchmarkUid}`,
    );
  return [a, b] as const;
}

export async function compareBenchmarkExecutions(
  ctx: StorageContext,
  beforeUid: number,
  afterUid: number,
  options: BootstrapOptions = {},
): Promise<BenchmarkComparison> {
  await requireComparableExecutions(ctx, beforeUid, afterUid);
  const labels = new Map(
    [...(await listAgreementEvaluators(ctx.db, beforeUid)), ...(await listAgreementEvaluators(ctx.db, afterUid))].map(
      (e) => [e.evaluatorUid, e.labelScores],
    ),
  );
  const byEvaluator = new Map<number, { acc: PairedComparisonAccumulator; shared: number }>();
  for (const row of await listPairedVerdicts(ctx.db, beforeUid, afterUid)) {
    let entry = byEvaluator.get(row.evaluatorUid);
    if (!entry) {
      entry = { acc: new PairedComparisonAccumulator(labels.get(row.evaluatorUid) ?? []), shared: 0 };
      byEvaluator.set(row.evaluatorUid, entry);
    }
    entry.shared += 1;
    entry.acc.add(row.truth, row.before, row.after);
  }
  if (byEvaluator.size === 0)
    throw new ValidationError(
      `benchmark executions ${beforeUid} and ${afterUid} share no judged datapoint of any evaluator ` +
        '(different splits or evaluators, or one has no results yet): nothing to compare',
    );
  return {
    before: beforeUid,
    after: afterUid,
    evaluators: [...byEvaluator].map(([evaluatorUid, { acc, shared }]) => ({
      evaluatorUid,
      shared,
      ...acc.result(options),
    })),
    promptChanges: await comparePromptVersions(ctx, beforeUid, afterUid),
  };
}

async function comparePromptVersions(ctx: StorageContext, beforeUid: number, afterUid: number) {
  const before = await listExecutionPromptVersions(ctx.db, beforeUid);
  const after = await listExecutionPromptVersions(ctx.db, afterUid);
  const uids = [...new Set(before.map((v) => v.evaluatorUid))].filter((uid) =>
    after.some((v) => v.evaluatorUid === uid),
  );
  return uids.map((uid) =>
    diffPromptVersions(
      uid,
      before.filter((v) => v.evaluatorUid === uid),
      after.filter((v) => v.evaluatorUid === uid),
    ),
  );
}
