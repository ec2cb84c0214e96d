/**
 * Agreement with ground truth of a benchmark execution, per evaluator and per (evaluator, slice), built in one
 * pass over its rows. Pure: the caller feeds the rows (services/benchmark-summary.ts streams them from PostgreSQL).
 */
import { AgreementAccumulator, type AgreementOptions, type AgreementSummary } from './agreement';

export interface EvaluatorAgreement {
  evaluatorUid: number;
  overall: AgreementSummary;
  bySlice: Record<string, AgreementSummary>;
}

export interface BenchmarkSummary {
  evaluators: EvaluatorAgreement[];
}

/** An evaluator to summarise: its criteria's label scores and the slices to break agreement down by. */
export interface SummaryEvaluator {
  evaluatorUid: number;
  labelScores: number[];
  slices: { uid: number; name: string }[];
}

/** One judged (or errored, or unjudged) datapoint of one evaluator. */
export interface SummaryRow {
  evaluatorUid: number;
  score: number | null;
  errored: boolean;
  truth: number | null;
  slices: number[] | null;
  /** The row's value of the cluster column, when intervals resample clusters. */
  cluster?: string | null;
}

export class BenchmarkSummaryBuilder {
  private readonly accumulators: Map<
    number,
    { overall: AgreementAccumulator; bySlice: Map<number, { name: string; acc: AgreementAccumulator }> }
  >;

  constructor(evaluators: SummaryEvaluator[], options: AgreementOptions = {}) {
    this.accumulators = new Map(
      evaluators.map((e) => [
        e.evaluatorUid,
        {
          overall: new AgreementAccumulator(e.labelScores, options),
          bySlice: new Map(
            e.slices.map((s) => [s.uid, { name: s.name, acc: new AgreementAccumulator(e.labelScores, options) }]),
          ),
        },
      ]),
    );
  }

  add(row: SummaryRow): void {
    const acc = this.accumulators.get(row.evaluatorUid);
    if (!acc) return;
    const cluster = row.cluster ?? null;
    acc.overall.add(row.score, row.truth, row.errored, cluster);
    for (const sliceUid of row.slices ?? [])
      acc.bySlice.get(sliceUid)?.acc.add(row.score, row.truth, row.errored, cluster);
  }

  summary(): BenchmarkSummary {
    return {
      evaluators: [...this.accumulators].map(([evaluatorUid, acc]) => ({
        evaluatorUid,
        overall: acc.overall.summary(),
        bySlice: Object.fromEntries([...acc.bySlice.values()].map((s) => [s.name, s.acc.summary()])),
      })),
    };
  }
}
