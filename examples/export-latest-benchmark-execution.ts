/**
 * Reference BenchmarkExecution.export, Example 1: export a benchmark's latest execution to a local file.
 * `npm run example:export [-- <benchmarkUid> [<file>]]` (default: the newest benchmark, .data/benchmark_execution.json,
 * inside the git-ignored .data/ so the example leaves nothing untracked in the repository, and replaced by the next
 * run; a file you name must not exist yet).
 */
import { Benchmark } from '../src';
import { JudgeflowError } from '../src/errors';
import { runMain } from '../src/run-main';
import { startLocalStack } from '../tools/local-stack';

await runMain(async () => {
  const stack = await startLocalStack(console.log, { database: 'demo' });
  try {
    const given = process.argv[2];
    const newest = await stack.jf.db.query<{ uid: number }>(`SELECT uid FROM benchmarks ORDER BY uid DESC LIMIT 1`);
    const benchmarkUid = given ? Number(given) : newest.rows[0]?.uid;
    if (!benchmarkUid) throw new JudgeflowError('no benchmark yet: run `npm run demo` first, or pass a benchmark uid');
    const benchmark = await Benchmark.get(benchmarkUid);
    const execution = (await benchmark.listExecutions())[0] ?? (await benchmark.execute({ sync: true }));
    const file = process.argv[3] ?? '.data/benchmark_execution.json';
    // The example's own default file is replaced when it runs again; a file you name is not.
    await execution.export(file, { overwrite: process.argv[3] === undefined });
    console.log(`exported benchmark execution ${execution.benchmarkExecutionUid} ("${execution.name}") to ${file}`);
  } finally {
    await stack.stop();
  }
});
