/** What several execution commands share: an execution's evaluator by the execution's uid, results, following one. */
import type { Judgeflow } from '../sdk/Judgeflow';
import { Criteria } from '../sdk/Criteria';
import { PromptEvaluator } from '../sdk/PromptEvaluator';
import { requireEvaluatorExecution, type ExecutionResults } from '../services/client/evaluator-executions';
import { table, shorten, type Cli } from './common';
import { fitCells } from './fit-cells';
import { statusText } from './status-text';
import { detachOnInterrupt, watchExecution } from './watch';

/** The evaluator of an execution given by its uid alone. */
export async function executionEvaluator(jf: Judgeflow, executionUid: number) {
  const execution = await requireEvaluatorExecution(jf, executionUid);
  return { execution, evaluator: await PromptEvaluator.get(execution.evaluatorUid, jf) };
}

/**
 * Results as a table: score, the ground truth where the criteria has one for the row (the column is left out when
 * it has none), and the rationale or row error. On a terminal the table fits its width; otherwise rationales are
 * cut at 70 characters, as before.
 */
export function resultsTable(
  results: ExecutionResults,
  truth: Record<string, number> = {},
  width: number | undefined = process.stdout.isTTY ? process.stdout.columns : undefined,
): string {
  const truthOf = (xUid: string) => (Object.hasOwn(truth, xUid) ? truth[xUid] : undefined);
  const withTruth = Object.keys(results).some((xUid) => truthOf(xUid) !== undefined);
  // Rows judged several times show how many of their samples agree.
  const withConfidence = Object.values(results).some((r) => r.samples !== undefined);
  const agreeing = (r: ExecutionResults[string]) =>
    r.samples ? `${r.samples.filter((s) => s.score !== null && s.score === r.score).length}/${r.samples.length}` : '';
  const text = (s: string | null) => (width === undefined ? shorten(s) : (s ?? ''));
  const fitted = fitCells(
    ['x_uid', 'score', ...(withConfidence ? ['agree'] : []), ...(withTruth ? ['truth'] : []), 'rationale / error'],
    Object.entries(results).map(([xUid, r]) => [
      xUid,
      r.score,
      ...(withConfidence ? [agreeing(r)] : []),
      ...(withTruth ? [truthOf(xUid)] : []),
      r.error !== undefined ? `[${r.errorKind ?? 'error'}] ${text(r.error)}` : text(r.rationale),
    ]),
    width,
  );
  return table(fitted.head, fitted.rows);
}

/** The ground truth of an execution's criteria, `{ xUid: score }` (empty when it has none). */
export async function groundTruthOf(jf: Judgeflow, e: PromptEvaluator): Promise<Record<string, number>> {
  return (await Criteria.get(e.criteriaUid, jf)).getGroundTruth();
}

/**
 * Watches a running execution (Ctrl-C detaches), then prints its end: the recorded status and counts from PostgreSQL,
 * so an execution that ended long ago (whose workflow Temporal may have dropped) prints the same way.
 */
export async function follow(cli: Cli, e: PromptEvaluator, executionUid: number, running: boolean): Promise<void> {
  if (running) {
    const outcome = await detachOnInterrupt((signal) => watchExecution(e, executionUid, { signal }));
    if (outcome.detached) {
      console.error(
        `detached; execution ${executionUid} keeps running. Re-attach: npx judgeflow execution watch ${executionUid}` +
          ` — cancel: npx judgeflow execution cancel ${executionUid}`,
      );
      return;
    }
  }
  const [status, results] = await e.pollExecutionResult(executionUid);
  const rows = Object.values(results);
  const errorsByKind: Record<string, number> = {};
  for (const r of rows)
    if (r.error !== undefined)
      errorsByKind[r.errorKind ?? 'provider'] = (errorsByKind[r.errorKind ?? 'provider'] ?? 0) + 1;
  const errors = Object.values(errorsByKind).reduce((a, n) => a + n, 0);
  cli.output(
    { executionUid, status, done: rows.length, errors, errorsByKind },
    () =>
      `execution ${executionUid} ${statusText(status, { done: rows.length, errors })}: ${rows.length} rows, ${errors} errors` +
      `\n  results: npx judgeflow execution results ${executionUid}`,
  );
}
