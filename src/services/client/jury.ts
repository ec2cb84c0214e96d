/**
 * A jury over evaluators of one criteria that ran in a benchmark execution, computed now from PostgreSQL: the
 * verdict per datapoint by its rule, each juror's and the jury's agreement with the ground truth, the jurors'
 * agreement with each other and how far their errors coincide (docs/judging.md, "Juries").
 */
import { InvalidJuryError, NotFoundError, show } from '../../errors';
import { findBenchmark } from '../../db/benchmark.repository';
import { findCriteria } from '../../db/criteria.repository';
import { listEvaluators } from '../../db/evaluator.repository';
import { listJuryVotes, type JuryVoteRow } from '../../db/jury.repository';
import { summarizeAgreement, type AgreementOptions, type AgreementSummary } from '../../metrics/agreement';
import {
  correlation,
  effectiveVotes,
  fleissKappa,
  juryVerdict,
  JURY_RULES,
  logOddsWeight,
  type JuryRule,
} from '../../metrics/jury';
import { krippendorffAlpha } from '../../metrics/krippendorff-alpha';
import type { StorageContext } from '../common/context';
import { requireBenchmarkExecution } from './benchmark-executions';

export interface JuryOptions extends AgreementOptions {
  /** The jurors: at least two evaluators of the same criteria that ran in the execution. */
  evaluatorUids: number[];
  /** How votes become the verdict (default majority). */
  rule?: JuryRule;
  /**
   * For `weighted`: the split whose labelled rows set each juror's weight (its log-odds of being right). The jury's
   * agreement is then reported on the other splits only, so the weights are not judged on the rows that made them.
   */
  weightsFrom?: string;
}

export interface JurorReport {
  evaluatorUid: number;
  name: string;
  /** 1 unless `weighted`. */
  weight: number;
  agreement: AgreementSummary;
}

export interface JuryReport {
  benchmarkExecutionUid: number;
  criteriaUid: number;
  rule: JuryRule;
  weightsFrom: string | null;
  jurors: JurorReport[];
  /** The jury's verdicts against the ground truth (rows of `weightsFrom` left out). */
  jury: AgreementSummary;
  /** Over the rows every juror scored: Fleiss' κ, and Krippendorff's α (nominal and ordinal) over all votes. */
  interJudge: { rows: number; fleissKappa: number | null; alphaNominal: number | null; alphaOrdinal: number | null };
  /**
   * Pearson's correlation of each pair's errors (1 where a juror's score is not the ground truth, else 0) over the
   * labelled rows both scored; their mean; and n / (1 + (n − 1) ρ̄) independent votes.
   */
  errorCorrelation: {
    pairs: { a: number; b: number; correlation: number | null; rows: number }[];
    mean: number | null;
  };
  effectiveVotes: number | null;
  /** Datapoints at least one juror scored, and the verdict per datapoint. */
  rows: number;
  verdicts: { xUid: string; split: string; truth: number | null; votes: (number | null)[]; verdict: number | null }[];
}

export async function benchmarkExecutionJury(
  ctx: StorageContext,
  benchmarkExecutionUid: number,
  options: JuryOptions,
): Promise<JuryReport> {
  const rule = options.rule ?? 'majority';
  if (!JURY_RULES.includes(rule))
    throw new InvalidJuryError(`rule must be one of ${JURY_RULES.map((r) => `"${r}"`).join(', ')}, got ${show(rule)}`);
  const execution = await requireBenchmarkExecution(ctx, benchmarkExecutionUid);
  const benchmark = (await findBenchmark(ctx.db, execution.benchmarkUid))!;
  const jurors = await resolveJurors(ctx, execution.benchmarkUid, options.evaluatorUids);
  const criteriaUid = jurors[0]!.criteriaUid;
  const labels = (await findCriteria(ctx.db, criteriaUid))!.labels.map((l) => l.score);
  if (options.weightsFrom !== undefined && !execution.splits.includes(options.weightsFrom))
    throw new InvalidJuryError(
      `weightsFrom ${show(options.weightsFrom)} is not a split of benchmark execution ${benchmarkExecutionUid}; ` +
        `its splits: ${execution.splits.join(', ')}`,
    );
  if (rule === 'weighted' && options.weightsFrom === undefined)
    throw new InvalidJuryError('rule "weighted" needs weightsFrom: the labelled split that sets the weights');
  const all = (
    await listJuryVotes(ctx.db, {
      benchmarkExecutionUid,
      datasetUid: benchmark.datasetUid,
      splits: execution.splits,
      criteriaUid,
      jurors: jurors.map((j) => j.evaluatorUid),
    })
  ).filter((r) => r.votes.some((v) => v !== null));

  const weights = jurors.map((_, i) => {
    if (rule !== 'weighted') return 1;
    const labelled = all.filter((r) => r.split === options.weightsFrom && r.truth !== null && r.votes[i] !== null);
    return logOddsWeight(labelled.filter((r) => r.votes[i] === r.truth).length, labelled.length);
  });
  const verdicts = all.map((r) => ({ ...r, verdict: juryVerdict(r.votes, rule, labels, weights) }));
  const judged = verdicts.filter((r) => r.split !== options.weightsFrom || rule !== 'weighted');
  const agreement = (pairs: [number | null, number | null][]) => summarizeAgreement(pairs, labels, options);
  const complete = all.filter((r) => r.votes.every((v) => v !== null)).map((r) => r.votes as number[]);
  const errorCorrelation = errorCorrelations(
    all,
    jurors.map((j) => j.evaluatorUid),
  );
  return {
    benchmarkExecutionUid,
    criteriaUid,
    rule,
    weightsFrom: options.weightsFrom ?? null,
    jurors: jurors.map((j, i) => ({
      evaluatorUid: j.evaluatorUid,
      name: j.name,
      weight: weights[i]!,
      agreement: agreement(judged.map((r) => [r.votes[i] ?? null, r.truth])),
    })),
    jury: agreement(judged.map((r) => [r.verdict, r.truth])),
    interJudge: {
      rows: complete.length,
      fleissKappa: fleissKappa(complete),
      alphaNominal: krippendorffAlpha(
        all.map((r) => r.votes),
        'nominal',
      ),
      alphaOrdinal: krippendorffAlpha(
        all.map((r) => r.votes),
        'ordinal',
      ),
    },
    errorCorrelation,
    effectiveVotes: errorCorrelation.mean === null ? null : effectiveVotes(jurors.length, errorCorrelation.mean),
    rows: all.length,
    verdicts,
  };
}

/**
 * `evaluatorUids` as evaluators of the benchmark that judge one criteria (InvalidJuryError otherwise); `what` names
 * the panel in the error (a jury, or an escalation's two judges).
 */
export async function resolveJurors(
  ctx: StorageContext,
  benchmarkUid: number,
  evaluatorUids: unknown,
  what = 'a jury',
) {
  if (!Array.isArray(evaluatorUids) || new Set(evaluatorUids).size < 2)
    throw new InvalidJuryError(`${what} needs at least two distinct evaluators, got ${show(evaluatorUids)}`);
  const evaluators = await listEvaluators(ctx.db, benchmarkUid);
  const jurors = evaluatorUids.map((uid) => {
    const e = evaluators.find((x) => x.evaluatorUid === uid);
    if (!e)
      throw new InvalidJuryError(
        `evaluator ${show(uid)} is not an evaluator of benchmark ${benchmarkUid}; its evaluators: ` +
          (evaluators.map((x) => x.evaluatorUid).join(', ') || '(none)'),
      );
    return e;
  });
  const criteria = new Set(jurors.map((j) => j.criteriaUid));
  if (criteria.size > 1)
    throw new InvalidJuryError(
      `jurors must judge the same criteria; evaluators ${jurors.map((j) => `${j.evaluatorUid} (criteria ${j.criteriaUid})`).join(', ')} do not`,
    );
  if (!(await findCriteria(ctx.db, jurors[0]!.criteriaUid)))
    throw new NotFoundError('criteria', jurors[0]!.criteriaUid);
  return jurors;
}

/** Each pair's (by evaluator uid) error correlation over the labelled rows both jurors scored, and the mean of those defined. */
function errorCorrelations(rows: JuryVoteRow[], uids: number[]): JuryReport['errorCorrelation'] {
  const n = uids.length;
  const pairs: JuryReport['errorCorrelation']['pairs'] = [];
  for (let a = 0; a < n; a++)
    for (let b = a + 1; b < n; b++) {
      const both = rows.filter((r) => r.truth !== null && r.votes[a] !== null && r.votes[b] !== null);
      const errors = (j: number) => both.map((r) => (r.votes[j] === r.truth ? 0 : 1));
      pairs.push({ a: uids[a]!, b: uids[b]!, correlation: correlation(errors(a), errors(b)), rows: both.length });
    }
  const defined = pairs.filter((p) => p.correlation !== null).map((p) => p.correlation!);
  return { pairs, mean: defined.length ? defined.reduce((x, y) => x + y, 0) / defined.length : null };
}
