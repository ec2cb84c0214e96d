/**
 * `judgeflow benchmark jury`: several evaluators of one criteria as a jury over a benchmark execution — the jury's and
 * each juror's agreement with ground truth, how far the jurors agree and how far their errors coincide
 * (docs/judging.md, "Juries").
 */
import { Option, type Command } from 'commander';
import { JURY_RULES, type JuryRule } from '../metrics/jury';
import { BenchmarkExecution } from '../sdk/BenchmarkExecution';
import { Cli, fields, noun, ratio, table, uid, uids, withInterval } from './common';

/** `judgeflow benchmark jury` */
export function registerJuryCommand(program: Command, cli: Cli): void {
  noun(program, 'benchmark')
    .command('jury')
    .description("evaluators of one criteria as a jury: its verdicts' agreement, each juror's, and their independence")
    .argument('<benchmarkExecutionUid>', 'benchmark execution uid', uid)
    .requiredOption('--evaluator <uid...>', 'the jurors (at least two evaluators of the same criteria)', uids)
    .addOption(new Option('--rule <rule>', 'how votes become the verdict (default: majority)').choices(JURY_RULES))
    .option('--weights-from <split>', 'for --rule weighted: the labelled split that sets the weights')
    .action((benchmarkExecutionUid: number, o: { evaluator: number[]; rule?: JuryRule; weightsFrom?: string }) =>
      cli.run(async (jf) => {
        const x = await BenchmarkExecution.get(benchmarkExecutionUid, jf);
        const r = await x.jury({ evaluatorUids: o.evaluator, rule: o.rule, weightsFrom: o.weightsFrom });
        const accuracy = (s: (typeof r)['jury']) => withInterval(s.accuracy, s.intervals.accuracy);
        const kappa = (s: (typeof r)['jury']) => withInterval(s.kappa, s.intervals.kappa);
        cli.output(r, () =>
          [
            table(
              ['', 'weight', 'accuracy [95 %]', 'κ [95 %]', 'compared'],
              [
                ...r.jurors.map((j) => [
                  `${j.name} (${j.evaluatorUid})`,
                  j.weight.toFixed(2),
                  accuracy(j.agreement),
                  kappa(j.agreement),
                  j.agreement.compared,
                ]),
                [`jury (${r.rule})`, '', accuracy(r.jury), kappa(r.jury), r.jury.compared],
              ],
            ),
            fields([
              [
                'between jurors',
                `Fleiss' κ ${ratio(r.interJudge.fleissKappa)} over ${r.interJudge.rows} rows all scored, Krippendorff's α ${ratio(r.interJudge.alphaNominal)} (nominal)`,
              ],
              [
                'error correlation',
                r.errorCorrelation.pairs.map((p) => `${p.a}–${p.b} ${ratio(p.correlation)}`).join(', ') +
                  ` (mean ${ratio(r.errorCorrelation.mean)})`,
              ],
              [
                'independent votes',
                r.effectiveVotes === null
                  ? 'unknown (no labelled errors to correlate)'
                  : `${r.effectiveVotes.toFixed(2)} of ${r.jurors.length}`,
              ],
            ]),
          ].join('\n'),
        );
      }),
    );
}
