/**
 * Results reports: one benchmark execution (`judgeflow report A`), or two of the same benchmark side by side
 * (`judgeflow report A B`), read from PostgreSQL into the plain data that report/render-html.ts draws.
 * Needs no Temporal: a report of an execution whose workflow Temporal has forgotten still works.
 */
import { loadExportSource, type ExportEvaluatorRecord } from '../../db/export.repository';
import { listChangedVerdicts, listReportExecutionStats, listReportRows } from '../../db/report.repository';
import { AgreementAccumulator } from '../../metrics/agreement';
import type {
  BenchmarkExecutionReport,
  ComparisonReport,
  ReportEvaluator,
  ReportEvaluatorRun,
} from '../../report/model';
import { benchmarkExecutionUrl, requireBenchmarkExecution } from './benchmark-executions';
import { summarizeBenchmarkExecution } from '../common/benchmark-summary';
import type { InstanceContext, StorageContext } from '../common/context';
import { evaluatorExecutionUrl } from './evaluator-executions';
import { compareBenchmarkExecutions } from '../common/comparison';
import { listBenchmarkExecutionGates } from '../common/gates';
import type { RowErrorKind } from '../../shared/row-errors';
import { verdictMethod } from '../../shared/sampling';

/** Rows listed in a report's datapoint (or changed-verdict) table; the header says how many more there are. */
export const REPORT_ROW_LIMIT = 2_000;

const secondsBetween = (from: Date, to: Date | null) => (to ? (to.getTime() - from.getTime()) / 1000 : null);

type ExecutionStats = Awaited<ReturnType<typeof listReportExecutionStats>>[number];

/** One evaluator execution of the report: how its scores were made, how far it got, how long it took. */
function reportRun(
  ctx: StorageContext & InstanceContext,
  evaluatorUid: number,
  x: ExportEvaluatorRecord['executions'][number],
  s: ExecutionStats | undefined,
): ReportEvaluatorRun {
  return {
    ...x,
    verdict: verdictMethod(x),
    rowsJudged: s?.rows ?? 0,
    rowErrors: s?.errors ?? 0,
    seconds: s ? secondsBetween(s.createdAt, s.finishedAt) : null,
    url: evaluatorExecutionUrl(ctx, evaluatorUid, x.executionUid),
  };
}

export async function buildBenchmarkExecutionReport(
  ctx: StorageContext & InstanceContext,
  benchmarkExecutionUid: number,
  options: { rowLimit?: number } = {},
): Promise<BenchmarkExecutionReport> {
  const record = await requireBenchmarkExecution(ctx, benchmarkExecutionUid);
  const source = (await loadExportSource(ctx.db, benchmarkExecutionUid))!;
  const summary = await summarizeBenchmarkExecution(ctx.db, benchmarkExecutionUid);
  const stats = await listReportExecutionStats(ctx.db, benchmarkExecutionUid);
  const rowLimit = options.rowLimit ?? REPORT_ROW_LIMIT;
  const datapoints = await listReportRows(ctx.db, benchmarkExecutionUid, rowLimit);
  const labelsOf = new Map(source.criteria.map((c) => [c.criteriaUid, c.labels]));

  const evaluators: ReportEvaluator[] = source.evaluators
    .filter((e) => e.executions.length > 0)
    .map((e) => {
      const agreement = summary.evaluators.find((s) => s.evaluatorUid === e.evaluatorUid);
      const labels = (labelsOf.get(e.criteriaUid) ?? []).map((l) => ({ name: l.name, score: l.score }));
      const empty = new AgreementAccumulator(labels.map((l) => l.score)).summary();
      const own = stats.filter((s) => s.evaluatorUid === e.evaluatorUid);
      const errorsByKind: Partial<Record<RowErrorKind, number>> = {};
      for (const s of own)
        for (const [kind, n] of Object.entries(s.errorsByKind) as [RowErrorKind, number][])
          errorsByKind[kind] = (errorsByKind[kind] ?? 0) + n;
      const sumOrNull = (values: (number | null)[]) =>
        values.some((v) => v !== null) ? values.reduce<number>((a, v) => a + (v ?? 0), 0) : null;
      const latencies = own.filter((s) => s.meanLatencyMs !== null && s.rows > 0);
      const judged = latencies.reduce((a, s) => a + s.rows, 0);
      return {
        evaluatorUid: e.evaluatorUid,
        name: e.name,
        criteriaName: e.criteriaName,
        labels,
        runs: e.executions.map((x) =>
          reportRun(
            ctx,
            e.evaluatorUid,
            x,
            own.find((o) => o.executionUid === x.executionUid),
          ),
        ),
        overall: agreement?.overall ?? empty,
        bySlice: agreement?.bySlice ?? {},
        errorsByKind,
        promptTokens: sumOrNull(own.map((s) => s.promptTokens)),
        completionTokens: sumOrNull(own.map((s) => s.completionTokens)),
        meanLatencyMs: judged > 0 ? latencies.reduce((a, s) => a + s.meanLatencyMs! * s.rows, 0) / judged : null,
        costUsd: own.some((s) => s.costUnknownRows > 0) ? null : own.reduce((a, s) => a + s.costUsd, 0),
        cacheHits: own.reduce((a, s) => a + s.cacheHits, 0),
      };
    });

  const x = source.execution;
  return {
    benchmark: { uid: x.benchmarkUid, name: x.benchmarkName, description: x.benchmarkDescription },
    dataset: { uid: x.datasetUid, name: x.datasetName, columns: x.columns },
    execution: {
      uid: benchmarkExecutionUid,
      name: x.name,
      status: x.status,
      error: x.error,
      createdBy: x.createdBy,
      createdAt: x.createdAt.toISOString(),
      finishedAt: x.finishedAt?.toISOString() ?? null,
      seconds: secondsBetween(x.createdAt, x.finishedAt),
      splits: x.splits,
      numRows: x.numRows,
      url: benchmarkExecutionUrl(ctx, record),
      rows: stats.reduce((a, s) => a + s.rows, 0),
      rowErrors: stats.reduce((a, s) => a + s.errors, 0),
    },
    evaluators,
    gates: (await listBenchmarkExecutionGates(ctx, benchmarkExecutionUid)).map((g) => ({
      ...g,
      createdAt: g.createdAt.toISOString(),
    })),
    datapoints: { ...datapoints, limit: rowLimit },
    generatedAt: new Date().toISOString(),
  };
}

/** Two benchmark executions of the same benchmark: each one's report, and the datapoints whose score changed. */
export async function buildComparisonReport(
  ctx: StorageContext & InstanceContext,
  beforeUid: number,
  afterUid: number,
  options: { rowLimit?: number } = {},
): Promise<ComparisonReport> {
  const comparison = await compareBenchmarkExecutions(ctx, beforeUid, afterUid);
  const rowLimit = options.rowLimit ?? REPORT_ROW_LIMIT;
  return {
    before: await buildBenchmarkExecutionReport(ctx, beforeUid, options),
    after: await buildBenchmarkExecutionReport(ctx, afterUid, options),
    comparison,
    changed: { ...(await listChangedVerdicts(ctx.db, beforeUid, afterUid, rowLimit)), limit: rowLimit },
    generatedAt: new Date().toISOString(),
  };
}
