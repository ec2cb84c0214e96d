/**
 * `judgeflow benchmark agreement`: how far each evaluator of a benchmark execution agrees with the ground truth, with
 * intervals, per-label scores, baselines and plain-words notes, overall and per slice (docs/agreement.md).
 */
import type { Command } from 'commander';
import type { AgreementSummary } from '../metrics/agreement';
import { Benchmark } from '../sdk/Benchmark';
import { BenchmarkExecution } from '../sdk/BenchmarkExecution';
import { Cli, noun, positiveInt, ratio, table, uid, withInterval } from './common';

/** `judgeflow benchmark agreement` */
export function registerAgreementCommand(program: Command, cli: Cli): void {
  noun(program, 'benchmark')
    .command('agreement')
    .description(
      'agreement of each evaluator with the ground truth, with 95 % bootstrap intervals, per label and per slice',
    )
    .argument('<benchmarkExecutionUid>', 'benchmark execution uid', uid)
    .option('--cluster-by <column>', 'resample rows that share this dataset column together (e.g. conversation_id)')
    .option('--resamples <n>', 'bootstrap resamples (default 2000)', positiveInt)
    .option('--seed <n>', 'bootstrap seed (default 1)', positiveInt)
    .action((benchmarkExecutionUid: number, o: { clusterBy?: string; resamples?: number; seed?: number }) =>
      cli.run(async (jf) => {
        const x = await BenchmarkExecution.get(benchmarkExecutionUid, jf);
        const summary = await x.agreement({ clusterColumn: o.clusterBy, resamples: o.resamples, seed: o.seed });
        const names = new Map(
          (await (await Benchmark.get(x.benchmarkUid, jf)).evaluators()).map((e) => [e.evaluatorUid, e.name]),
        );
        cli.output(summary, () =>
          summary.evaluators
            .map((e) => describeEvaluator(`${names.get(e.evaluatorUid) ?? 'evaluator'} (${e.evaluatorUid})`, e))
            .join('\n\n'),
        );
      }),
    );
}

function describeEvaluator(title: string, e: { overall: AgreementSummary; bySlice: Record<string, AgreementSummary> }) {
  const s = e.overall;
  const m = s.intervalMethod;
  const units = m.clusterColumn ? `${m.units} clusters of "${m.clusterColumn}"` : `${m.units} rows`;
  const i = s.intervals;
  return [
    `${title}: ${s.compared} of ${s.total} rows compared (coverage ${ratio(s.coverage)}, ${s.errors} errors)`,
    table(
      ['statistic', `value [${Math.round(m.level * 100)} % interval]`],
      [
        ['accuracy', withInterval(s.accuracy, i.accuracy)],
        ["Cohen's κ", withInterval(s.kappa, i.kappa)],
        ['weighted κ (linear)', withInterval(s.weightedKappa.linear, i.weightedKappaLinear)],
        ['weighted κ (quadratic)', withInterval(s.weightedKappa.quadratic, i.weightedKappaQuadratic)],
        ["Krippendorff's α (ordinal)", withInterval(s.alpha.ordinal, i.alphaOrdinal)],
        ["Krippendorff's α (interval)", withInterval(s.alpha.interval, i.alphaInterval)],
        ["Gwet's AC1", withInterval(s.ac1, i.ac1)],
        ['macro-F1', withInterval(s.macroF1, i.macroF1)],
        [
          'baseline: always the commonest label',
          s.baseline.majorityScore === null
            ? 'n/a'
            : `${ratio(s.baseline.majorityAccuracy)} (score ${s.baseline.majorityScore})`,
        ],
      ],
    ),
    `intervals: ${m.method}, B = ${m.resamples}, seed ${m.seed}, over ${units}`,
    table(
      ['label score', 'precision', 'recall', 'F1', 'support', 'predicted'],
      s.perLabel.map((l) => [l.score, ratio(l.precision), ratio(l.recall), ratio(l.f1), l.support, l.predicted]),
    ),
    ...(Object.keys(e.bySlice).length > 0
      ? [
          table(
            ['slice', 'accuracy', 'κ', 'compared'],
            Object.entries(e.bySlice).map(([name, x]) => [
              name,
              withInterval(x.accuracy, x.intervals.accuracy),
              withInterval(x.kappa, x.intervals.kappa),
              x.compared,
            ]),
          ),
        ]
      : []),
    ...s.notes.map((n) => `note: ${n}`),
  ].join('\n');
}
