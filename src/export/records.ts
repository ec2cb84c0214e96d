/**
 * Maps what PostgreSQL returns for an export (db/export.repository.ts) to the export data model (format.ts):
 * evaluator keys, durations, agreement with ground truth per datapoint.
 */
import type { ExportDatapointRecord, ExportRowQuery, ExportSource } from '../db/export.repository';
import { agrees } from '../metrics/agreement';
import { evaluatorKeys, type ExportHeader, type ExportRow } from './format';

export function buildExportHeader(benchmarkExecutionUid: number, source: ExportSource, exportedAt: Date): ExportHeader {
  const h = source.execution;
  const keys = evaluatorKeys(source.evaluators);
  return {
    benchmark: {
      benchmarkUid: h.benchmarkUid,
      name: h.benchmarkName,
      description: h.benchmarkDescription,
      dataset: { datasetUid: h.datasetUid, name: h.datasetName },
    },
    execution: {
      benchmarkExecutionUid,
      name: h.name,
      createdAt: h.createdAt,
      createdBy: h.createdBy,
      status: h.status,
      error: h.error,
      splits: h.splits,
      numRows: h.numRows,
      finishedAt: h.finishedAt,
      durationSeconds: h.finishedAt ? (h.finishedAt.getTime() - h.createdAt.getTime()) / 1000 : null,
      exportedAt,
    },
    userColumns: h.columns,
    criteria: source.criteria,
    evaluators: source.evaluators.map((e) => ({
      ...e,
      key: keys.get(e.evaluatorUid) ?? `evaluator-${e.evaluatorUid}`,
    })),
    slices: source.slices,
  };
}

/** The evaluator executions of the export, each with its evaluator and criteria, in column order. */
function executionsOf(header: ExportHeader) {
  return header.evaluators.flatMap((e) =>
    e.executions.map((x) => ({
      executionUid: x.executionUid,
      evaluatorUid: e.evaluatorUid,
      criteriaUid: e.criteriaUid,
    })),
  );
}

/** What to read for the header's datapoints, and how to turn each record read into an ExportRow. */
export function exportRowMapping(header: ExportHeader): {
  query: ExportRowQuery;
  toRow: (record: ExportDatapointRecord) => ExportRow;
} {
  const executions = executionsOf(header);
  const criteriaUids = header.criteria.map((c) => c.criteriaUid);
  const query: ExportRowQuery = {
    datasetUid: header.benchmark.dataset.datasetUid,
    benchmarkUid: header.benchmark.benchmarkUid,
    criteriaUids,
    executions,
    withSlices: header.slices.length > 0,
  };
  const toRow = (record: ExportDatapointRecord): ExportRow => {
    const groundTruth = new Map<number, number>();
    record.truths.forEach((score, i) => {
      if (score !== null) groundTruth.set(criteriaUids[i]!, score);
    });
    // An evaluator's executions cover different splits: at most one has a result for this datapoint.
    const evaluations: ExportRow['evaluations'] = new Map();
    record.results.forEach((result, j) => {
      const { score, rationale, error, promptTokens, completionTokens, costUsd, cacheHit } = result;
      const { confidence, expectedScore, samples, distribution, entropy } = result;
      if (score === null && error === null) return;
      const { evaluatorUid, criteriaUid } = executions[j]!;
      evaluations.set(evaluatorUid, {
        score,
        rationale,
        error,
        agreement: agrees(score, groundTruth.get(criteriaUid)),
        confidence,
        expectedScore,
        samples,
        distribution,
        entropy,
        promptTokens,
        completionTokens,
        costUsd,
        cacheHit: cacheHit ?? false,
      });
    });
    return {
      xUid: record.xUid,
      split: record.split,
      userColumns: record.data,
      groundTruth,
      evaluations,
      slices: record.slices,
    };
  };
  return { query, toRow };
}
