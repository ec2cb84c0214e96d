/**
 * Has this row been judged already? A row's local activity runs again when its worker died (or its workflow task
 * failed) before Temporal recorded the row's marker; its result is in PostgreSQL by then, and it must not be paid
 * for twice. The rows starting in the same few milliseconds are looked up in one query (DataLoader batches them),
 * so the check costs a fraction of a round trip per row.
 */
import DataLoader from 'dataloader';
import type { Db } from '../src/db/pool';
import { findStoredOutcomes, type StoredOutcome } from '../src/db/execution.repository';
import type { JudgeDatapointResult, RowSpend } from '../src/shared/execution-contract';

/** How long the first row of a batch waits for others: rows of a workflow task start within a few ms. */
const BATCH_WINDOW_MS = 2;

interface RowKey {
  executionUid: number;
  xUid: string;
}

export function createStoredOutcomes(db: Db): (key: RowKey) => Promise<JudgeDatapointResult | undefined> {
  const loader = new DataLoader<RowKey, StoredOutcome | undefined, string>(
    async (keys) => {
      const byExecution = new Map<number, string[]>();
      for (const k of keys) byExecution.set(k.executionUid, [...(byExecution.get(k.executionUid) ?? []), k.xUid]);
      const found = new Map<string, StoredOutcome>();
      await Promise.all(
        [...byExecution].map(async ([executionUid, xUids]) => {
          const stored = await findStoredOutcomes(db, executionUid, xUids);
          for (const s of stored) found.set(`${executionUid}:${s.xUid}`, s);
        }),
      );
      return keys.map((k) => found.get(`${k.executionUid}:${k.xUid}`));
    },
    {
      // Every lookup asks PostgreSQL: a cached "not judged yet" would be wrong a moment later.
      cache: false,
      batchScheduleFn: (run) => setTimeout(run, BATCH_WINDOW_MS),
    },
  );
  return async (key) => {
    const s = await loader.load(key);
    if (!s) return undefined;
    // A row error that was never charged (nothing paid) reports no spend, as it did the first time.
    const charged = s.cacheHit || s.tokens > 0 || s.costUsd !== null;
    const spend: RowSpend | undefined = charged
      ? { tokens: s.tokens, costUsd: s.costUsd, ...(s.cacheHit && { cacheHit: true as const }) }
      : undefined;
    if (s.score !== null) return { xUid: s.xUid, score: s.score, ...(spend && { spend }) };
    const errorKind = s.errorKind ?? 'provider';
    return { xUid: s.xUid, error: s.error ?? 'unknown error', errorKind, ...(spend && { spend }) };
  };
}
