/**
 * The datapoint rows a results report lists, as the report repository reads them and the report renders them (one
 * definition for both layers: src/db/ may not import src/report/, nor the other way round).
 */
import type { RowErrorKind } from './row-errors';

/** A datapoint where a judge errored or disagreed with the ground truth. */
export interface ReportDatapoint {
  evaluatorUid: number;
  xUid: string;
  split: string;
  data: Record<string, unknown>;
  truth: number | null;
  score: number | null;
  rationale: string | null;
  error: string | null;
  errorKind: RowErrorKind | null;
  slices: string[];
}

/** A datapoint an evaluator scored differently in one benchmark execution than in another (`report A B`). */
export interface ChangedVerdictRow {
  evaluatorUid: number;
  xUid: string;
  split: string;
  data: Record<string, unknown>;
  truth: number | null;
  before: number | null;
  after: number | null;
  rationaleBefore: string | null;
  rationaleAfter: string | null;
}
