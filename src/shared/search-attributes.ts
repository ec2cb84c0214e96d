/**
 * Custom search attributes that make judgeflow workflows findable in the Web UI
 * (e.g. `JudgeflowEvaluatorUid = 3`), and the one place each kind of workflow's attributes are built.
 * Side-effect free: workflows import it too.
 */
import { defineSearchAttributeKey, SearchAttributeType, type SearchAttributePair } from '@temporalio/common';

export const EVALUATOR_UID = defineSearchAttributeKey('JudgeflowEvaluatorUid', SearchAttributeType.INT);
export const BENCHMARK_UID = defineSearchAttributeKey('JudgeflowBenchmarkUid', SearchAttributeType.INT);
export const KIND = defineSearchAttributeKey('JudgeflowKind', SearchAttributeType.KEYWORD);
export const SPLIT = defineSearchAttributeKey('JudgeflowSplit', SearchAttributeType.KEYWORD);

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
