/**
 * Trustworthy verdicts on the local judge server's simulated judges (tools/simulated-judge.ts: a datapoint carries
 * its truth, each judge names it with a known accuracy): three independent cheap jurors of 70 % as a jury, then a
 * cascade that escalates the rows the first juror was unsure of to a 95 % judge, to reach 85 % on a calibration split.
 * `npm run example:jury`. Prints each figure next to what theory predicts.
 */
import { Benchmark, Criteria, Dataset, PromptEvaluator } from '../src';
import { runMain } from '../src/run-main';
import { startLocalStack } from '../tools/local-stack';
import { truthMarker } from '../tools/simulated-judge';

const ROWS = 600;
const pct = (v: number | null | undefined) => (v === null || v === undefined ? 'n/a' : `${(v * 100).toFixed(1)} %`);

await runMain(async () => {
  const stack = await startLocalStack(console.log, { database: 'demo' });
  try {
    const { jf } = stack;
    const stamp = new Date().toISOString();
    const truth = (i: number) => (i * 7919) % 2;
    const dataset = await Dataset.create(
      {
        name: `simulated judges ${stamp}`,
        rows: Array.from({ length: ROWS }, (_, i) => ({
          x_uid: `q-${i}`,
          split: i < ROWS / 2 ? 'dev' : 'test',
          response: `answer ${i} ${truthMarker(truth(i))}`,
        })),
      },
      jf,
    );
    const benchmark = await Benchmark.create(
      { name: `jury and escalation ${stamp}`, datasetUid: dataset.datasetUid },
      jf,
    );
    const criteria = await Criteria.create(
      {
        benchmarkUid: benchmark.benchmarkUid,
        name: 'correct',
        labels: [
          { name: 'wrong', score: 0 },
          { name: 'right', score: 1 },
        ],
      },
      jf,
    );
    await criteria.setGroundTruth(Array.from({ length: ROWS }, (_, i) => ({ xUid: `q-${i}`, score: truth(i) })));
    const judge = (name: string, modelName: string) =>
      PromptEvaluator.create({ criteriaUid: criteria.criteriaUid, name, userPrompt: '{{response}}', modelName }, jf);
    const jurors = [
      await judge('cheap a', 'local-judge:accuracy=0.7:seed=a'),
      await judge('cheap b', 'local-judge:accuracy=0.7:seed=b'),
      await judge('cheap c', 'local-judge:accuracy=0.7:seed=c'),
    ];
    const strong = await judge('strong', 'local-judge:accuracy=0.95:seed=strong');

    console.log(`\nJudging ${ROWS} rows with three cheap judges, five samples each…`);
    const run = await benchmark.execute({
      splits: ['dev', 'test'],
      evaluatorUids: jurors.map((j) => j.evaluatorUid),
      samples: 5,
      sync: true,
    });

    const jury = await run.jury({ evaluatorUids: jurors.map((j) => j.evaluatorUid) });
    console.log('\nJury of three independent judges (five samples each, by majority):');
    for (const j of jury.jurors) console.log(`  ${j.name}: accuracy ${pct(j.agreement.accuracy)}  (theory 83.7 %)`);
    console.log(`  jury: accuracy ${pct(jury.jury.accuracy)}  (theory 92.9 % for three independent 83.7 % votes)`);
    console.log(
      `  error correlation ${jury.errorCorrelation.mean?.toFixed(3)} (theory 0), ` +
        `independent votes ${jury.effectiveVotes?.toFixed(2)} of 3, Fleiss' κ ${jury.interJudge.fleissKappa?.toFixed(3)}`,
    );

    const cascade = await run.escalate({
      from: jurors[0]!.evaluatorUid,
      to: strong.evaluatorUid,
      targetAccuracy: 0.85,
      calibrationSplit: 'dev',
      flagForReview: true,
    });
    console.log('\nCascade: cheap a, escalating its uncertain rows to the 95 % judge, target 85 %:');
    console.log(
      `  threshold ${cascade.threshold} (picked on ${cascade.calibration?.rows} dev rows, kept rows' lower bound ` +
        `${pct(cascade.calibration?.lowerBound)})`,
    );
    console.log(`  escalated ${cascade.escalated} of ${cascade.rows} test rows (${pct(cascade.escalatedShare)})`);
    console.log(`  accuracy before ${pct(cascade.before.accuracy)}, after ${pct(cascade.after.accuracy)}`);
    console.log(
      `  tokens: cheap ${cascade.cost.cheap.tokens}, strong ${cascade.cost.strong.tokens} ` +
        `(${cascade.cost.strong.rows} rows instead of ${cascade.rows})`,
    );
    console.log(
      `  ${cascade.flagged} rows flagged for review: npx judgeflow review list ${cascade.executions[0]?.executionUid}`,
    );
  } finally {
    await stack.stop();
  }
});
