/**
 * `npm run demo`: the main job end to end on this machine. Starts what is missing (the Temporal dev server, a
 * worker, and the local judge server when no OPENAI_API_KEY is set), imports a small support-answers dataset with
 * ground truth, creates a criteria, a slice and a prompt evaluator, runs an execution with a live progress bar,
 * prints the results, then runs a benchmark execution, exports it as JSON and CSV and writes its HTML report. Leaves
 * the dev server running.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { loadConfig } from '../src/config';
import { redactUrl } from '../src/db/pool';
import { JudgeflowError } from '../src/errors';
import { runMain } from '../src/run-main';
import { Benchmark, Criteria, CsvExportConfig, Dataset, PromptEvaluator, Slice } from '../src';
import type { Interval } from '../src/metrics/bootstrap';
import { renderBenchmarkExecutionReport } from '../src/report/render-html';
import { buildBenchmarkExecutionReport } from '../src/services/client/report';
import { startLocalStack } from '../tools/local-stack';

const root = path.resolve(import.meta.dirname, '..');
const dataDir = path.join(root, '.data');
const say = (line = '') => {
  console.log(line);
};

await runMain(async () => {
  const config = loadConfig();
  say('judgeflow demo: durable LLM-as-a-judge on Temporal\n');

  const stack = await startLocalStack(say, { database: 'demo' });
  const { modelName } = stack;
  say('');
  try {
    // Definitions
    const stamp = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    const dataset = await Dataset.fromCsv(path.join(root, 'examples/data/support-answers.csv'), {
      name: `support answers ${stamp}`,
    });
    const counts = await dataset.countBySplit();
    say(
      `Dataset ${dataset.datasetUid}: ${Object.entries(counts)
        .map(([s, n]) => `${n} ${s}`)
        .join(', ')} rows; columns ${dataset.columns.join(', ')}`,
    );
    const benchmark = await Benchmark.create({
      name: `support quality ${stamp}`,
      description: 'Are support answers helpful?',
      datasetUid: dataset.datasetUid,
    });
    const criteria = await Criteria.create({
      benchmarkUid: benchmark.benchmarkUid,
      name: 'helpfulness',
      description: 'Does the answer solve the customer question?',
      labels: [
        { name: 'unhelpful', score: 0, description: 'does not answer the question' },
        { name: 'partly helpful', score: 1, description: 'answers part of it, or vaguely' },
        { name: 'helpful', score: 2, description: 'answers it fully and concretely' },
      ],
    });
    const rows = await dataset.rows();
    await criteria.setGroundTruth(Object.fromEntries(rows.map((r) => [r.xUid, Number(r.data.helpfulness)])));
    const billing = await Slice.create({
      benchmarkUid: benchmark.benchmarkUid,
      name: 'billing',
      filter: { column: 'product_area', op: 'eq', value: 'billing' },
    });
    const evaluator = await PromptEvaluator.create({
      criteriaUid: criteria.criteriaUid,
      name: 'helpfulness judge',
      systemPrompt: 'You review customer-support answers for a software product.',
      userPrompt: 'Customer question: {{question}}\nSupport answer: {{response}}',
      modelName,
      fmHyperparameters: { temperature: 0 },
    });
    say(
      `Benchmark ${benchmark.benchmarkUid}, criteria ${criteria.criteriaUid} (3 labels, ground truth for ${rows.length} rows), ` +
        `slice "${billing.name}" (${billing.size} rows), evaluator ${evaluator.evaluatorUid} (prompt version ${(await evaluator.getVersions()).join(', ')})\n`,
    );

    // What it will cost, before running it (no model call)
    const estimate = await evaluator.estimate({ split: 'dev', concurrency: 4 });
    say(
      `Estimate for split "dev": ${estimate.rows} rows, ${estimate.totalTokens} tokens ` +
        `(${estimate.inputTokens} input counted with ${estimate.tokenizer.encoding} + ${estimate.outputTokens} output), ` +
        `cost ${estimate.costUsd === null ? 'unknown (no price configured for the model)' : `$${estimate.costUsd.toFixed(4)}`}`,
    );

    // One evaluator execution, watched live
    const executionUid = await evaluator.execute({ split: 'dev', concurrency: 4 });
    say(
      `Execution ${executionUid} on split "dev" — watch it in the Web UI:\n  ${evaluator.executionUrl(executionUid)}`,
    );
    await showProgress(evaluator, executionUid);
    const [status, results] = await evaluator.pollExecutionResult(executionUid, { sync: true });
    const spend = (await evaluator.getExecutionProgress(executionUid)).spend;
    say(`Spent ${spend.tokens} tokens (the estimate said ${estimate.totalTokens}).`);
    const truth = await criteria.getGroundTruth();
    say(`\nStatus: ${status}. Results:`);
    say(`  ${'x_uid'.padEnd(12)} score  truth  rationale`);
    for (const [xUid, r] of Object.entries(results)) {
      const rationale = r.error ?? r.rationale ?? '';
      say(
        `  ${xUid.padEnd(12)} ${String(r.score ?? '-').padEnd(6)} ${String(truth[xUid] ?? '-').padEnd(6)} ${rationale.length > 70 ? `${rationale.slice(0, 69)}…` : rationale}`,
      );
    }

    // A benchmark execution and its exports
    say('\nBenchmark execution over the default splits (all but "test", which is held out)…');
    const run = await benchmark.execute({ name: 'demo run', sync: true });
    say(`  benchmark execution ${run.benchmarkExecutionUid}: ${await run.status()} — ${run.url}`);
    // Computed now with 95 % bootstrap intervals (the stored summary has them too); docs/agreement.md reads them.
    const agreement = await run.agreement();
    const overall = agreement.evaluators[0]?.overall;
    if (overall) {
      const i = overall.intervals;
      say(
        `  agreement with ground truth over ${overall.compared} compared rows (coverage ${fmt(overall.coverage)}, ` +
          `${overall.scored}/${overall.total} scored), 95 % intervals:\n` +
          `    accuracy ${withInterval(overall.accuracy, i.accuracy)} (always answering the commonest label: ` +
          `${fmt(overall.baseline.majorityAccuracy)})\n` +
          `    Cohen's kappa ${withInterval(overall.kappa, i.kappa)}, quadratic-weighted kappa ` +
          `${withInterval(overall.weightedKappa.quadratic, i.weightedKappaQuadratic)}, Gwet's AC1 ` +
          withInterval(overall.ac1, i.ac1),
      );
      for (const note of overall.notes) say(`    note: ${note}`);
      const slice = agreement.evaluators[0]?.bySlice.billing;
      if (slice)
        say(
          `  slice "billing": accuracy ${withInterval(slice.accuracy, slice.intervals.accuracy)} over ` +
            `${slice.compared} rows`,
        );
    }
    const jsonFile = path.join(dataDir, 'demo-export.json');
    const csvFile = path.join(dataDir, 'demo-export.csv');
    // The demo's own files: a second demo replaces them.
    await run.export(jsonFile, { overwrite: true });
    await run.export(csvFile, { config: new CsvExportConfig(), overwrite: true });
    say(
      `  exported every datapoint (test rows with missing scores) to:\n    ${path.relative(root, jsonFile)}\n    ${path.relative(root, csvFile)}`,
    );
    const reportFile = path.join(dataDir, 'demo-report.html');
    await writeFile(
      reportFile,
      renderBenchmarkExecutionReport(await buildBenchmarkExecutionReport(stack.jf, run.benchmarkExecutionUid)),
    );
    say(
      `  and wrote its HTML report (agreement, confusion matrix, slices, compared rows; opens offline) to:\n    ${path.relative(root, reportFile)}` +
        ` — the command line does the same on the demo's database (below): npx judgeflow report ${run.benchmarkExecutionUid}`,
    );
    say(
      `\nThe demo keeps its data in its own database, so the README's walkthrough starts on a fresh one; to look at the\n` +
        `demo's with the command line: DATABASE_URL=${redactUrl(stack.jf.config.databaseUrl)} npx judgeflow benchmark list`,
    );
    say(
      `\nDone. The dev server keeps running (Web UI ${config.temporal.uiUrl}); \`npm run temporal -- stop\` stops it.`,
    );
  } finally {
    await stack.stop();
  }
});

async function showProgress(evaluator: PromptEvaluator, executionUid: number) {
  const width = 30;
  const tty = process.stdout.isTTY;
  let last = '';
  for (;;) {
    const p = await evaluator.getExecutionProgress(executionUid).catch(() => undefined);
    // total is 0 until the workflow has read its plan.
    if (p && p.total > 0) {
      const filled = p.total ? Math.round((p.done / p.total) * width) : 0;
      const limited = p.rateLimited
        ? `, ${p.rateLimited} rate-limited (window ${p.concurrency.effective}/${p.concurrency.max})`
        : '';
      const line = `  [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${p.done}/${p.total} rows, ${p.errors} errors, ${p.inFlight} in flight${limited}`;
      if (line !== last) process.stdout.write(tty ? `\r${line}` : `${line}\n`);
      last = line;
      if (p.status !== 'running') break;
    }
    const [status] = await evaluator.pollExecutionResult(executionUid);
    if (status !== 'running') break;
    await new Promise((r) => setTimeout(r, 250));
  }
  if (tty) process.stdout.write('\n');
}

function withInterval(value: number | null, interval: Interval | null): string {
  return interval ? `${fmt(value)} [${fmt(interval.low)}, ${fmt(interval.high)}]` : fmt(value);
}

function fmt(value: number | null | undefined): string {
  if (value === null || value === undefined) throw new JudgeflowError('missing agreement figure');
  return value.toFixed(2);
}
