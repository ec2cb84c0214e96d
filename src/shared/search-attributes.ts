/**
 * Custom search attributes that make judgeflow workflows findable in the Web UI
 * (e.g. `JudgeflowEvaluatorUid = 3`), and the one place each kind of workflow's attributes are built.
 * Side-effect free: workflows import it too.
 */
import type { defineSearchAttributeKey, SearchAttributePair, SearchAttributeType } from '@temporalio/common';

/**
 * A key as `defineSearchAttributeKey` makes it (the SDK's `SearchAttributeKey`, a plain `{ name, type }`), without a
 * value import of @temporalio/common: a command that never starts a workflow never loads the SDK.
 */
const key = <T extends SearchAttributeType>(name: string, type: T): ReturnType<typeof defineSearchAttributeKey<T>> => ({
  name,
  type,
});

export const EVALUATOR_UID = key('JudgeflowEvaluatorUid', 'INT');
export const BENCHMARK_UID = key('JudgeflowBenchmarkUid', 'INT');
export const KIND = key('JudgeflowKind', 'KEYWORD');
export const SPLIT = key('JudgeflowSplit', 'KEYWORD');

export const ALL_SEARCH_ATTRIBUTES = [EVALUATOR_UID, BENCHMARK_UID, KIND, SPLIT];

export function evaluatorExecutionSearchAttributes(e: {
  evaluatorUid: number;
  benchmarkUid: number;
  split: string;
}): SearchAttributePair[] {
  return [
    { key: EVALUATOR_UID, value: e.evaluatorUid },
    { key: BENCHMARK_UID, value: e.benchmarkUid },
    { key: KIND, value: 'evaluator-execution' },
    { key: SPLIT, value: e.split },
  ];
}

export function benchmarkExecutionSearchAttributes(benchmarkUid: number): SearchAttributePair[] {
  return [
    { key: BENCHMARK_UID, value: benchmarkUid },
    { key: KIND, value: 'benchmark-execution' },
  ];
}

export function scheduledRunSearchAttributes(benchmarkUid: number): SearchAttributePair[] {
  return [
    { key: BENCHMARK_UID, value: benchmarkUid },
    { key: KIND, value: 'scheduled-run' },
  ];
}

export function exportSearchAttributes(benchmarkUid: number): SearchAttributePair[] {
  return [
    { key: BENCHMARK_UID, value: benchmarkUid },
    { key: KIND, value: 'export' },
  ];
}

/** `Name=Type` flags for `temporal server start-dev --search-attribute`. */
export function searchAttributeCliFlags(): string[] {
  const cliType: Record<string, string> = { INT: 'Int', KEYWORD: 'Keyword' };
  return ALL_SEARCH_ATTRIBUTES.flatMap((k) => ['--search-attribute', `${k.name}=${cliType[k.type] ?? k.type}`]);
}
