/**
 * Custom search attributes that make judgeflow workflows findable in the Web UI
 * (e.g. `JudgeflowEvaluatorUid = 3`). Side-effect free: workflows import it too.
 */
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const EVALUATOR_UID = defineSearchAttributeKey('JudgeflowEvaluatorUid', SearchAttributeType.INT);
export const BENCHMARK_UID = defineSearchAttributeKey('JudgeflowBenchmarkUid', SearchAttributeType.INT);
export const KIND = defineSearchAttributeKey('JudgeflowKind', SearchAttributeType.KEYWORD);
export const SPLIT = defineSearchAttributeKey('JudgeflowSplit', SearchAttributeType.KEYWORD);

export const ALL_SEARCH_ATTRIBUTES = [EVALUATOR_UID, BENCHMARK_UID, KIND, SPLIT];

/** `Name=Type` flags for `temporal server start-dev --search-attribute`. */
export function searchAttributeCliFlags(): string[] {
  const cliType: Record<string, string> = { INT: 'Int', KEYWORD: 'Keyword' };
  return ALL_SEARCH_ATTRIBUTES.flatMap((k) => ['--search-attribute', `${k.name}=${cliType[k.type] ?? k.type}`]);
}
