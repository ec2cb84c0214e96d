/** The one line the Web UI lists a workflow by (its static summary), where more than one place starts it. */

/** A benchmark execution: which evaluators on which splits; `evaluatorUids` only when a subset was chosen. */
export function benchmarkExecutionSummary(b: {
  benchmarkUid: number;
  benchmarkExecutionUid: number;
  evaluatorUids?: number[];
  splits: string[];
  numRows?: number;
}): string {
  return (
    `Benchmark ${b.benchmarkUid}, execution ${b.benchmarkExecutionUid}: ` +
    (b.evaluatorUids ? `evaluators ${b.evaluatorUids.join(', ')}` : 'every evaluator') +
    ` on ${b.splits.map((s) => `"${s}"`).join(', ')}` +
    (b.numRows ? ` (first ${b.numRows} rows each)` : '')
  );
}
