/**
 * Spend in the command line's words: the budget and cache options of `evaluator execute` and `benchmark execute`,
 * and how budgets, spend and estimates are printed.
 */
import type { Command } from 'commander';
import type { ExecutionResults } from '../services/client/evaluator-executions';
import type { BenchmarkEstimate, ExecutionEstimate } from '../services/client/estimates';
import type { Budget } from '../shared/execution-contract';
import { fields, positiveNumber, table, tokenCount } from './common';

export interface SpendOptions {
  budgetUsd?: number;
  budgetTokens?: number;
  cache?: boolean;
}

export const budgetOf = (o: { budgetUsd?: number; budgetTokens?: number }): Budget | undefined =>
  o.budgetUsd === undefined && o.budgetTokens === undefined
    ? undefined
    : {
        ...(o.budgetUsd !== undefined && { maxCostUsd: o.budgetUsd }),
        ...(o.budgetTokens !== undefined && { maxTokens: o.budgetTokens }),
      };

const usd = (v: number) => `$${v < 1 ? v.toFixed(4) : v.toFixed(2)}`;

export function describeBudget(b: Budget | undefined): string {
  const parts = [
    ...(b?.maxCostUsd !== undefined ? [usd(b.maxCostUsd)] : []),
    ...(b?.maxTokens !== undefined ? [`${b.maxTokens} tokens`] : []),
  ];
  return parts.length ? parts.join(' and ') : 'none';
}

/** What an execution spent, in the terms both its results and its live progress give. */
export interface Spend {
  tokens: number;
  /** null when a paid row's cost is unknown (its model has no price): a sum without it would pass for the cost. */
  costUsd: number | null;
  /** Paid rows whose model has no price. */
  costUnknownRows: number;
  cacheHits: number;
}

/** Tokens and cost summed over an execution's results (cache hits cost nothing). */
export function usageOf(results: ExecutionResults): Spend & { promptTokens: number; completionTokens: number } {
  const u = { promptTokens: 0, completionTokens: 0, costUnknownRows: 0, cacheHits: 0 };
  let known = 0;
  for (const r of Object.values(results)) {
    u.promptTokens += r.usage?.promptTokens ?? 0;
    u.completionTokens += r.usage?.completionTokens ?? 0;
    if (r.cachedFrom) u.cacheHits += 1;
    if (typeof r.costUsd === 'number') known += r.costUsd;
    else if (r.usage?.totalTokens) u.costUnknownRows += 1;
  }
  const { promptTokens, completionTokens, costUnknownRows, cacheHits } = u;
  const costUsd = costUnknownRows > 0 ? null : known;
  return {
    tokens: promptTokens + completionTokens,
    promptTokens,
    completionTokens,
    costUsd,
    costUnknownRows,
    cacheHits,
  };
}

/** `1234 tokens (1000 prompt + 234 completion), $0.0012, 0 cache hits` (the split when known). */
export function describeSpend(s: Spend & { promptTokens?: number; completionTokens?: number }): string {
  const cost =
    s.costUsd === null || s.costUnknownRows > 0
      ? `cost unknown for ${s.costUnknownRows} rows (no price)`
      : usd(s.costUsd);
  const split =
    s.promptTokens === undefined ? '' : ` (${s.promptTokens} prompt + ${s.completionTokens ?? 0} completion)`;
  return `${s.tokens} tokens${split}, ${cost}, ${s.cacheHits} cache hits`;
}

export function describeEstimate(x: ExecutionEstimate): string {
  return [
    fields([
      ['estimate', `evaluator ${x.evaluatorUid}, version ${x.versionName} (${x.model}), split ${x.split}`],
      ['rows', x.samples > 1 ? `${x.rows}, ${x.samples} samples each` : x.rows],
      ['tokens', `${x.totalTokens} (${x.inputTokens} input + ${x.outputTokens} output, ${x.tokenizer.encoding})`],
      ['cost', x.costUsd === null ? 'unknown (no price configured for the model)' : usd(x.costUsd)],
      ['time', x.seconds === null ? 'unknown' : `about ${x.seconds} s at concurrency ${x.concurrency}`],
    ]),
    ...x.notes.map((n) => `  - ${n}`),
    'Nothing was run (--dry-run).',
  ].join('\n');
}

export function describeBenchmarkEstimate(b: BenchmarkEstimate): string {
  return [
    table(
      ['evaluator', 'split', 'version', 'rows', 'tokens', 'cost'],
      b.executions.map((x) => [
        x.evaluatorUid,
        x.split,
        x.versionName,
        x.rows,
        x.totalTokens,
        x.costUsd === null ? 'unknown' : usd(x.costUsd),
      ]),
    ),
    fields([
      ['total', `${b.rows} rows, ${b.totalTokens} tokens (${b.inputTokens} input + ${b.outputTokens} output)`],
      ['cost', b.costUsd === null ? 'unknown (a model has no configured price)' : usd(b.costUsd)],
      ['time', b.seconds === null ? 'unknown' : `about ${b.seconds} s`],
    ]),
    'Nothing was run (--dry-run).',
  ].join('\n');
}

/** The spend options of `evaluator execute` and `benchmark execute`: budget, cache, dry run. */
export function withSpendOptions(cmd: Command, scope: string): Command {
  return cmd
    .option(
      '--budget-usd <usd>',
      `pause when the next rows of ${scope} would cost more (needs the model price)`,
      positiveNumber,
    )
    .option('--budget-tokens <n>', `pause when the next rows of ${scope} would use more tokens`, tokenCount)
    .option('--cache', 'reuse stored answers of identical requests instead of calling the model')
    .option('--no-cache', 'call the model for every row even when JUDGEFLOW_CACHE is on')
    .option('--dry-run', 'estimate rows, tokens, cost and time, and run nothing');
}
