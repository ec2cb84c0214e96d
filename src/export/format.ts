/**
 * The export data model and its stable names (README documents them; test/unit/export-format.test.ts pins them).
 *
 * JSON (one streaming pass, so the summary comes last):
 *   { format, format_version, benchmark, execution, criteria, evaluators, slices,
 *     datapoints: [{ x_uid, split, slices: [names], evaluations: { <evaluator key>: { evaluator_uid, score,
 *                    rationale, agreement, error, prompt_tokens, completion_tokens, cost_usd, cache_hit } } }],
 *     summary: { datapoints, evaluators: [{ evaluator_uid, key, overall, by_slice }] } }
 *   As the reference says, user columns and ground truth are CSV-only.
 * CSV: x_uid, split, the user columns in dataset order, `ground_truth.<criteria>` per criteria,
 *   `<evaluator key>.score|.rationale|.agreement|.error|.prompt_tokens|.completion_tokens|.cost_usd|.cache_hit`
 *   per evaluator, then `slice.<name>` per slice (true/false).
 *   A user column whose name equals a generated column is written as `user.<name>`.
 * Missing values: null in JSON, an empty unquoted cell in CSV (an empty string is written quoted, `""`).
 * Agreement: true/false, null/empty when either side is missing.
 */
import type {
  ExportCriteriaRecord,
  ExportEvaluatorRecord,
  ExportSliceRecord,
  ExportSourceRecord,
} from '../db/export.repository';
import type { AgreementSummary } from '../metrics/agreement';

export const EXPORT_FORMAT = 'judgeflow.benchmark_execution_export';
export const EXPORT_FORMAT_VERSION = 1;

/** A criteria as the export describes it: the stored record as it is. */
export type ExportCriteria = ExportCriteriaRecord;

export interface ExportEvaluator extends ExportEvaluatorRecord {
  /** Column/field key: the evaluator's name when non-empty and unique in the benchmark, else `evaluator-<uid>`. */
  key: string;
}

export interface ExportHeader {
  benchmark: { benchmarkUid: number; name: string; description: string; dataset: { datasetUid: number; name: string } };
  /** The stored execution's fields, plus when and for how long. */
  execution: Pick<
    ExportSourceRecord,
    'name' | 'createdAt' | 'createdBy' | 'status' | 'error' | 'splits' | 'numRows' | 'finishedAt'
  > & { benchmarkExecutionUid: number; durationSeconds: number | null; exportedAt: Date };
  userColumns: string[];
  criteria: ExportCriteria[];
  evaluators: ExportEvaluator[];
  slices: ExportSliceRecord[];
}

export interface ExportEvaluation {
  score: number | null;
  rationale: string | null;
  error: string | null;
  agreement: boolean | null;
  /** As the provider reported them (0 for a cache hit); cost null when the model has no price. */
  promptTokens: number | null;
  completionTokens: number | null;
  costUsd: number | null;
  cacheHit: boolean;
}

export interface ExportRow {
  xUid: string;
  split: string;
  userColumns: Record<string, unknown>;
  /** Ground truth score per criteria uid. */
  groundTruth: Map<number, number>;
  /** Per evaluator uid; absent when the evaluator was not run on this datapoint. */
  evaluations: Map<number, ExportEvaluation>;
  /** Names of the slices the datapoint belongs to. */
  slices: string[];
}

export interface ExportSummary {
  datapoints: number;
  evaluators: {
    evaluatorUid: number;
    key: string;
    overall: AgreementSummary;
    bySlice: Record<string, AgreementSummary>;
  }[];
}

/** Keys for evaluators: their names when non-empty and unique, else `evaluator-<uid>`. */
export function evaluatorKeys(evaluators: { evaluatorUid: number; name: string }[]): Map<number, string> {
  const counts = new Map<string, number>();
  for (const e of evaluators) counts.set(e.name, (counts.get(e.name) ?? 0) + 1);
  return new Map(
    evaluators.map((e) => [
      e.evaluatorUid,
      e.name.trim() && counts.get(e.name) === 1 ? e.name : `evaluator-${e.evaluatorUid}`,
    ]),
  );
}

export interface CsvColumn {
  name: string;
  value: (row: ExportRow) => unknown;
}

/** Missing values stay undefined: the CSV writer leaves their cell empty and unquoted. */
const missing = (v: unknown) => (v === null ? undefined : v);

/** The CSV columns of an export, in order. */
export function csvColumns(header: ExportHeader): CsvColumn[] {
  const generated: CsvColumn[] = [];
  for (const c of header.criteria) {
    generated.push({ name: `ground_truth.${c.name}`, value: (r) => missing(r.groundTruth.get(c.criteriaUid)) });
  }
  for (const e of header.evaluators) {
    const ev = (r: ExportRow) => r.evaluations.get(e.evaluatorUid);
    generated.push(
      { name: `${e.key}.score`, value: (r) => missing(ev(r)?.score) },
      { name: `${e.key}.rationale`, value: (r) => missing(ev(r)?.rationale) },
      { name: `${e.key}.agreement`, value: (r) => missing(ev(r)?.agreement) },
      { name: `${e.key}.error`, value: (r) => missing(ev(r)?.error) },
      { name: `${e.key}.prompt_tokens`, value: (r) => missing(ev(r)?.promptTokens) },
      { name: `${e.key}.completion_tokens`, value: (r) => missing(ev(r)?.completionTokens) },
      { name: `${e.key}.cost_usd`, value: (r) => missing(ev(r)?.costUsd) },
      { name: `${e.key}.cache_hit`, value: (r) => ev(r)?.cacheHit },
    );
  }
  for (const s of header.slices) generated.push({ name: `slice.${s.name}`, value: (r) => r.slices.includes(s.name) });

  const taken = new Set(['x_uid', 'split', ...generated.map((c) => c.name)]);
  const user: CsvColumn[] = header.userColumns.map((name) => ({
    name: taken.has(name) ? `user.${name}` : name,
    value: (r) => {
      const v = r.userColumns[name];
      return v !== null && typeof v === 'object' ? JSON.stringify(v) : missing(v);
    },
  }));
  return [{ name: 'x_uid', value: (r) => r.xUid }, { name: 'split', value: (r) => r.split }, ...user, ...generated];
}

/** The JSON document's parts before and after the datapoints array. */
export function jsonHead(header: ExportHeader) {
  const { benchmark: b, execution: e } = header;
  return {
    format: EXPORT_FORMAT,
    format_version: EXPORT_FORMAT_VERSION,
    benchmark: {
      benchmark_uid: b.benchmarkUid,
      name: b.name,
      description: b.description,
      dataset_uid: b.dataset.datasetUid,
      dataset_name: b.dataset.name,
    },
    execution: {
      benchmark_execution_uid: e.benchmarkExecutionUid,
      name: e.name,
      created_at: e.createdAt.toISOString(),
      created_by: e.createdBy,
      status: e.status,
      error: e.error,
      splits: e.splits,
      num_rows: e.numRows,
      finished_at: e.finishedAt?.toISOString() ?? null,
      duration_seconds: e.durationSeconds,
      exported_at: e.exportedAt.toISOString(),
    },
    criteria: header.criteria.map((c) => ({
      criteria_uid: c.criteriaUid,
      name: c.name,
      description: c.description,
      requires_rationale: c.requiresRationale,
      labels: c.labels,
    })),
    evaluators: header.evaluators.map((ev) => ({
      evaluator_uid: ev.evaluatorUid,
      key: ev.key,
      name: ev.name,
      criteria_uid: ev.criteriaUid,
      criteria_name: ev.criteriaName,
      executions: ev.executions.map((x) => ({
        execution_uid: x.executionUid,
        split: x.split,
        status: x.status,
        prompt_version_name: x.promptVersionName,
        model_name: x.modelName,
        total_rows: x.totalRows,
      })),
    })),
    slices: header.slices.map((s) => ({ slice_uid: s.sliceUid, name: s.name, description: s.description })),
  };
}

export function jsonDatapoint(header: ExportHeader, row: ExportRow) {
  const evaluations: Record<string, unknown> = {};
  for (const ev of header.evaluators) {
    const e = row.evaluations.get(ev.evaluatorUid);
    evaluations[ev.key] = {
      evaluator_uid: ev.evaluatorUid,
      score: e?.score ?? null,
      rationale: e?.rationale ?? null,
      agreement: e?.agreement ?? null,
      error: e?.error ?? null,
      prompt_tokens: e?.promptTokens ?? null,
      completion_tokens: e?.completionTokens ?? null,
      cost_usd: e?.costUsd ?? null,
      cache_hit: e ? e.cacheHit : null,
    };
  }
  return { x_uid: row.xUid, split: row.split, slices: row.slices, evaluations };
}

export function jsonSummary(summary: ExportSummary) {
  return {
    datapoints: summary.datapoints,
    evaluators: summary.evaluators.map((e) => ({
      evaluator_uid: e.evaluatorUid,
      key: e.key,
      overall: e.overall,
      by_slice: e.bySlice,
    })),
  };
}
