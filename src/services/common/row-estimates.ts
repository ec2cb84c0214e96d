/**
 * A prompt version's expected tokens per row, from the first rows of a split rendered as the worker renders them
 * and counted with the model family's tokenizer: what estimates (client side) and an execution's plan (worker
 * side) both start from. Reads PostgreSQL only; calls no model.
 */
import { listDatapoints } from '../../db/dataset.repository';
import { versionHistory } from '../../db/execution.repository';
import type { PromptVersionRecord } from '../../db/evaluator.repository';
import type { Queryable } from '../../db/pool';
import { buildJudgeMessages, type JudgeCriteriaSpec } from '../../llm/messages';
import { costUsd, type PriceTable } from '../../llm/pricing';
import { DEFAULT_OUTPUT_TOKENS, outputTokenCap, tokenCounterFor, type TokenCounter } from '../../llm/tokens';
import { compileTemplate } from '../../prompt/template';

/** Rows rendered and counted at most; beyond that the count is scaled from them (and the estimate says so). */
export const ESTIMATE_SAMPLE_ROWS = 2_000;

/** Renders and counts the first rows of a split (at most ESTIMATE_SAMPLE_ROWS) for a prompt version. */
export async function estimateRows(
  q: Queryable,
  prices: PriceTable,
  p: {
    datasetUid: number;
    split: string;
    rows: number;
    version: PromptVersionRecord;
    criteria: JudgeCriteriaSpec;
    /** The model's tokenizer unless given. */
    counter?: TokenCounter;
    /** Judgements per row, and how often the prompt is sent for them (once with `n`, else once per sample). */
    sampling?: { samples: number; promptsPerRow: number };
  },
) {
  const { samples, promptsPerRow } = p.sampling ?? { samples: 1, promptsPerRow: 1 };
  const counter = p.counter ?? (await tokenCounterFor(p.version.modelName));
  const renderSystem = p.version.systemPrompt ? compileTemplate(p.version.systemPrompt) : undefined;
  const renderUser = p.version.userPrompt ? compileTemplate(p.version.userPrompt) : undefined;
  const sample = await listDatapoints(q, p.datasetUid, {
    split: p.split,
    limit: Math.min(p.rows, ESTIMATE_SAMPLE_ROWS),
  });
  let promptTokens = 0;
  let unrenderable = 0;
  for (const row of sample) {
    try {
      const messages = buildJudgeMessages({
        systemPrompt: renderSystem?.(row.data),
        userPrompt: renderUser?.(row.data),
        criteria: p.criteria,
      });
      promptTokens += counter.countMessages(messages);
    } catch {
      unrenderable += 1;
    }
  }
  const history = await versionHistory(q, p.version.uid);
  const maxTokens = outputTokenCap(p.version.fmHyperparameters);
  const [outputTokensPerSample, outputTokensFrom] =
    history.meanCompletionTokens !== null
      ? ([history.meanCompletionTokens, 'past executions'] as const)
      : maxTokens !== undefined
        ? ([maxTokens, 'max_tokens'] as const)
        : ([DEFAULT_OUTPUT_TOKENS, 'default'] as const);
  const notes: string[] = [];
  if (counter.approximate)
    notes.push(
      `model "${p.version.modelName}" has no known tokenizer: counted with ${counter.encoding}, an approximation`,
    );
  if (unrenderable) notes.push(`${unrenderable} row(s) cannot be rendered and will be row errors (not counted)`);
  const per = samples > 1 ? 'answer' : 'row';
  notes.push(
    outputTokensFrom === 'past executions'
      ? `output: ${Math.round(outputTokensPerSample)} tokens per ${per}, the mean of ${history.rows} past rows of this version`
      : outputTokensFrom === 'max_tokens'
        ? `output: max_tokens (${outputTokensPerSample}) per ${per}, an upper bound`
        : `output: ${DEFAULT_OUTPUT_TOKENS} tokens per ${per} assumed (no past execution of this version, no max_tokens)`,
  );
  if (samples > 1)
    notes.push(
      `${samples} samples per row: ${samples} answers, the prompt sent ` +
        (promptsPerRow === 1 ? 'once (one request with n)' : `${promptsPerRow} times (one request per sample)`),
    );
  const inputTokens = promptTokens * promptsPerRow;
  const outputTokensPerRow = outputTokensPerSample * samples;
  const countedRows = Math.max(1, sample.length);
  const inputPerRow = inputTokens / countedRows;
  return {
    countedRows,
    inputTokens,
    outputTokensPerRow,
    outputTokensFrom,
    meanLatencyMs: history.meanLatencyMs,
    tokenizer: { encoding: counter.encoding, approximate: counter.approximate },
    /** One row's expected spend, for the budget stage before any row has paid. */
    perRow: {
      tokens: inputPerRow + outputTokensPerRow,
      costUsd: costUsd(prices, p.version.modelName, inputPerRow, outputTokensPerRow),
    },
    notes,
  };
}
