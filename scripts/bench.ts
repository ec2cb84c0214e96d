/**
 * `npm run bench`: evaluator-execution throughput on this machine, with durability: BENCH_ROWS rows (default 2000)
 * at concurrency BENCH_CONCURRENCY (64) against the local judge server answering after BENCH_LATENCY_MS (200 ms),
 * through a worker process and the dev server. Prints rows/s against the 130 rows/s target and the history length
 * of every workflow run (continue-as-new keeps each far below Temporal's 51,200-event limit).
 */
import { Benchmark, Criteria, Dataset, PromptEvaluator } from '../src';
import { loadConfig } from '../src/config';
import { startJudgeServer } from '../tools/judge-server';
import { runMain } from '../src/run-main';
import { Judgeflow } from '../src/sdk/Judgeflow';
import { resolveTemporalCli } from '../tools/temporal-cli';
import { ensureDevServer } from '../tools/temporal-dev-server';
import { evaluatorExecutionWorkflowId } from '../src/shared/workflow-ids';
import path from 'node:path';
import { spawnWorkerProcess } from '../tools/worker-process';
import { deleteBenchmarkData } from './bench-cleanup';

const rows = Number(process.env.BENCH_ROWS ?? 2000);
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 64);
const latencyMs = Number(process.env.BENCH_LATENCY_MS ?? 200);
const TARGET_ROWS_PER_SECOND = 130;
const taskQueue = 'judgeflow-bench';

await runMain(async () => {
  const config = loadConfig();
  await ensureDevServer({
    address: config.temporal.address,
    uiPort: 8233,
    dataDir: path.resolve(import.meta.dirname, '../.data'),
    cliPath: resolveTemporalCli,
  });
  const judge = await startJudgeServer({ latencyMs });
  const spawned = performance.now();
  const worker = await spawnWorkerProcess({
    TEMPORAL_TASK_QUEUE: taskQueue,
    OPENAI_BASE_URL: judge.url,
    OPENAI_API_KEY: 'bench',
    JUDGEFLOW_MAX_CONCURRENCY: String(Math.max(concurrency, 64)),
  });
  // Process start to "worker running": with the cached workflow bundle, no webpack at start.
  console.log(`worker ready in ${Math.round(performance.now() - spawned)} ms (target ≤ 2000 ms)`);
  const jf = await Judgeflow.connect({
    config: {
      temporal: { taskQueue },
      openai: { baseUrl: judge.url, apiKey: 'bench' },
      concurrency: { max: Math.max(concurrency, 64) },
    },
  });
  try {
    const stamp = `${Date.now()}`;
    const dataset = await Dataset.create({
      name: `bench ${stamp}`,
      split: 'test',
      rows: Array.from({ length: rows }, (_, i) => ({ question: `question ${i}`, response: `answer number ${i}` })),
    });
    const benchmark = await Benchmark.create({ name: `bench ${stamp}`, datasetUid: dataset.datasetUid });
    const criteria = await Criteria.create({
      benchmarkUid: benchmark.benchmarkUid,
      name: 'quality',
      labels: [0, 1, 2, 3].map((s) => ({ name: `q${s}`, score: s })),
    });
    const evaluator = await PromptEvaluator.create({
      criteriaUid: criteria.criteriaUid,
      userPrompt: 'Q: {{question}}\nA: {{response}}',
      modelName: 'local-judge',
    });

    console.log(
      `bench: ${rows} rows, concurrency ${concurrency}, judge latency ${latencyMs} ms (local judge server), worker process + dev server`,
    );
    const started = performance.now();
    const executionUid = await evaluator.execute({ split: 'test', concurrency, sync: true });
    const seconds = (performance.now() - started) / 1000;
    const [status, results] = await evaluator.pollExecutionResult(executionUid);
    const scored = Object.values(results).filter((r) => r.score !== null).length;
    const rate = scored / seconds;
    console.log(
      `status ${status}: ${scored}/${rows} rows scored in ${seconds.toFixed(1)} s = ${rate.toFixed(1)} rows/s ` +
        `(target ≥ ${TARGET_ROWS_PER_SECOND}: ${rate >= TARGET_ROWS_PER_SECOND ? 'met' : 'NOT met'}); judge saw max ${judge.stats().maxInFlight} in flight`,
    );

    const temporal = await jf.temporal();
    const workflowId = evaluatorExecutionWorkflowId(evaluator.evaluatorUid, executionUid);
    const lengths: number[] = [];
    for await (const run of temporal.workflow.list({ query: `WorkflowId = '${workflowId}'` })) {
      lengths.push(run.historyLength);
    }
    console.log(
      `history: ${lengths.length} runs (continue-as-new), events per run: max ${Math.max(...lengths)}, total ${lengths.reduce((a, b) => a + b, 0)}`,
    );
    if (status !== 'completed' || scored !== rows) process.exitCode = 1;
    await deleteBenchmarkData(jf.db, benchmark.benchmarkUid);
  } finally {
    await jf.close();
    await worker.stop();
    await judge.close();
  }
});
