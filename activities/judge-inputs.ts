/**
 * What a row's judgement reads, cached per worker: its execution's context (prompt version compiled, criteria,
 * dataset; immutable once the execution starts) and its row, read ahead in chunks of dataset positions so a row
 * costs about one query per chunk, not one per row.
 */
import { ApplicationFailure } from '@temporalio/common';
import type { Db } from '../src/db/pool';
import { loadJudgeContext, loadRowsByPosition, type JudgeContext } from '../src/db/judge-context.repository';
import { compileTemplate } from '../src/prompt/template';
import { AsyncCache } from './async-cache';

/** Rows are read ahead in chunks of this many dataset positions. */
const ROW_CHUNK = 256;
/** Chunks kept per worker: a few for each execution it runs at once. */
const ROW_CHUNKS_CACHED = 32;

export interface CompiledContext extends JudgeContext {
  renderSystem?: (row: Record<string, unknown>) => string;
  renderUser?: (row: Record<string, unknown>) => string;
}

export function createJudgeInputs(db: Db) {
  const contexts = new AsyncCache<number, CompiledContext>(256, async (executionUid) => {
    const ctx = await loadJudgeContext(db, executionUid);
    if (!ctx) throw ApplicationFailure.nonRetryable(`evaluator execution ${executionUid} does not exist`, 'NotFound');
    const { systemPrompt, userPrompt } = ctx.version;
    return {
      ...ctx,
      renderSystem: systemPrompt ? compileTemplate(systemPrompt) : undefined,
      renderUser: userPrompt ? compileTemplate(userPrompt) : undefined,
    };
  });
  // Rows are judged in dataset order, so a few recent chunks per execution serve; 512 held a whole 100k dataset.
  const chunks = new AsyncCache<string, Map<string, Record<string, unknown>>>(ROW_CHUNKS_CACHED, (key) => {
    const [datasetUid, chunk] = key.split(':').map(Number) as [number, number];
    return loadRowsByPosition(db, datasetUid, chunk * ROW_CHUNK, (chunk + 1) * ROW_CHUNK);
  });
  return {
    context: (executionUid: number) => contexts.get(executionUid),
    async row(datasetUid: number, xUid: string, position: number): Promise<Record<string, unknown>> {
      const row = (await chunks.get(`${datasetUid}:${Math.floor(position / ROW_CHUNK)}`)).get(xUid);
      if (!row) throw ApplicationFailure.nonRetryable(`datapoint ${xUid} is not in dataset ${datasetUid}`, 'NotFound');
      return row;
    },
  };
}
