/**
 * The export data model and its stable names (README documents them; test/unit/export-format.test.ts pins them).
 *
 * JSON (one streaming pass, so the summary comes last):
 *   { format, format_version, benchmark, execution, criteria, evaluators, slices,
 *     datapoints: [{ x_uid, split, slices: [names], evaluations: { <evaluator key>: { evaluator_uid, score,
 *                    rationale, agreement, error, confidence, expected_score, samples, distribution, entropy,
 *                    prompt_tokens, completion_tokens, cost_usd, cache_hit } } }],
 *     summary: { datapoints, evaluators: [{ evaluator_uid, key, overall, by_slice }] } }
 *   As the reference says, user columns and ground truth are CSV-only.
 * CSV: x_uid, split, the user columns in dataset order, `ground_truth.<criteria>` per criteria,
 *   `<evaluator key>.score|.rationale|.agreement|.error|.confidence|.expected_score|.samples|.distribution|.entropy|
 *   .prompt_tokens|.completion_tokens|.cost_usd|.cache_hit` per evaluator, then `slice.<name>` per slice.
 * confidence, expected_score and samples are set for a row judged several times (the share of samples that gave the
 *   score, their mean, and the samples `[{score, rationale}]` in order); confidence, expected_score, distribution
 *   (`{"<score>": p}`) and entropy (bits) for a row scored by logprobs. In CSV the JSON values are their text.
 *   A user column whose name equals a generated column is written as `user.<name>`.
 * Missing values: null in JSON, an empty unquoted cell in CSV (an empty string is written quoted, `""`).
 * CSV text cells (x_uid, split, user columns, rationale, error) are always quoted; a user column value that is not
 * a string is written as its JSON text.
 * Agreement: true/false, null/empty when either side is missing.
 */
import type { EvaluationField, ExportValue, JsonShape } from '../db/export-copy.repository';
import type {
  ExportCriteriaRecord,
  ExportEvaluatorRecord,
  ExportSliceRecord,
  ExportSourceRecord,
} from '../db/export.repository';
import type { AgreementSummary } from '../metrics/agreement';
import type { RowSample, ScoreDistribution } from '../db/execution.repository';
import { verdictMethod } from '../shared/sampling';

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
  /** With several samples per row: the share that gave the score, their mean, and each sample (else null). */
  confidence: number | null;
  expectedScore: number | null;
  samples: RowSample[] | null;
  /** Scored by logprobs: the probability per label score and its entropy in bits (else null). */
  distribution: ScoreDistribution | null;
  entropy: number | null;
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
  /** What the column holds: PostgreSQL writes it (db/export-copy.repository.ts), or csvValue reads it from a row. */
  source: ExportValue;
}

/** An evaluation's fields with their key: the CSV column suffix and the JSON field. */
const EVALUATION_KEYS: [key: string, field: EvaluationField][] = [
  ['score', 'score'],
  ['rationale', 'rationale'],
  ['agreement', 'agreement'],
  ['error', 'error'],
  ['confidence', 'confidence'],
  ['expected_score', 'expectedScore'],
  ['samples', 'samples'],
  ['distribution', 'distribution'],
  ['entropy', 'entropy'],
  ['prompt_tokens', 'promptTokens'],
  ['completion_tokens', 'completionTokens'],
  ['cost_usd', 'costUsd'],
  ['cache_hit', 'cacheHit'],
];

/** The CSV columns of an export, in order. */
export function csvColumns(header: ExportHeader): CsvColumn[] {
  const generated: CsvColumn[] = [];
  for (const c of header.criteria) {
    generated.push({ name: `ground_truth.${c.name}`, source: { of: 'groundTruth', criteriaUid: c.criteriaUid } });
  }
  for (const e of header.evaluators) {
    for (const [suffix, field] of EVALUATION_KEYS) {
      generated.push({ name: `${e.key}.${suffix}`, source: { of: 'evaluation', evaluatorUid: e.evaluatorUid, field } });
    }
  }
  for (const s of header.slices) generated.push({ name: `slice.${s.name}`, source: { of: 'inSlice', name: s.name } });

  const taken = new Set(['x_uid', 'split', ...generated.map((c) => c.name)]);
  const user: CsvColumn[] = header.userColumns.map((name) => ({
    name: taken.has(name) ? `user.${name}` : name,
    source: { of: 'userColumn', name },
  }));
  return [{ name: 'x_uid', source: { of: 'xUid' } }, { name: 'split', source: { of: 'split' } }, ...user, ...generated];
}

/** A CSV cell of a row, for dialects PostgreSQL cannot write; undefined (an empty unquoted cell) when missing. */
export function csvValue(source: ExportValue, row: ExportRow): unknown {
  const value = (() => {
    switch (source.of) {
      case 'xUid':
        return row.xUid;
      case 'split':
        return row.split;
      case 'userColumn': {
        const v = row.userColumns[source.name];
        return v !== null && typeof v === 'object' ? JSON.stringify(v) : v;
      }
      case 'groundTruth':
        return row.groundTruth.get(source.criteriaUid);
      case 'evaluation': {
        const v = row.evaluations.get(source.evaluatorUid)?.[source.field];
        return v !== null && typeof v === 'object' ? JSON.stringify(v) : v;
      }
      case 'inSlice':
        return row.slices.includes(source.name);
      case 'sliceNames':
        return row.slices;
      case 'number':
        return source.value;
    }
  })();
  return value === null ? undefined : value;
}

/** A datapoint of the JSON export; every evaluator's fields are null where it has no evaluation. */
export function jsonDatapointShape(header: ExportHeader): JsonShape {
  return {
    object: [
      ['x_uid', { of: 'xUid' }],
      ['split', { of: 'split' }],
      ['slices', { of: 'sliceNames' }],
      [
        'evaluations',
        {
          object: header.evaluators.map((ev): [string, JsonShape] => [
            ev.key,
            {
              object: [
                ['evaluator_uid', { of: 'number', value: ev.evaluatorUid }],
                ...EVALUATION_KEYS.map(([key, field]): [string, JsonShape] => [
                  key,
                  { of: 'evaluation', evaluatorUid: ev.evaluatorUid, field },
                ]),
              ],
            },
          ]),
        },
      ],
    ],
  };
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
        samples: x.samples,
        aggregation: x.aggregation,
        scoring: x.scoring,
        label_order: x.labelOrder,
        verdict: verdictMethod(x),
      })),
    })),
    slices: header.slices.map((s) => ({ slice_uid: s.sliceUid, name: s.name, description: s.description })),
  };
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
