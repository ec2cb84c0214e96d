/**
 * What changed between the prompt versions two benchmark executions ran (`report A B`): per evaluator, each field of
 * the version — system prompt, user prompt, model, parameters — as a line diff (jsdiff's `diffLines`). Pure.
 */
import { diffLines } from 'diff';
import type { PromptChange, PromptField, PromptFieldDiff, PromptVersionText } from '../../shared/prompt-changes';

const FIELDS: [PromptField, (v: PromptVersionText) => string][] = [
  ['system prompt', (v) => v.systemPrompt ?? ''],
  ['user prompt', (v) => v.userPrompt ?? ''],
  ['model', (v) => v.modelName],
  // Keys sorted, one per line: a reordered object is no change.
  ['parameters', (v) => stableJson(v.fmHyperparameters ?? {})],
];

/**
 * The diff of the first version each side ran: an execution runs an evaluator's latest version on every split
 * (several only when a version was added while its splits started).
 */
export function diffPromptVersions(
  evaluatorUid: number,
  before: PromptVersionText[],
  after: PromptVersionText[],
): PromptChange {
  const names = (vs: PromptVersionText[]) => [...new Set(vs.map((v) => v.name))];
  const a = before[0];
  const b = after[0];
  const fields: PromptFieldDiff[] = [];
  if (a && b)
    for (const [field, text] of FIELDS) {
      const [x, y] = [withNewline(text(a)), withNewline(text(b))];
      if (x === y) continue;
      fields.push({ field, lines: lineDiff(x, y) });
    }
  return { evaluatorUid, before: names(before), after: names(after), fields };
}

function lineDiff(before: string, after: string): PromptFieldDiff['lines'] {
  return diffLines(before, after).flatMap((part) =>
    part.value
      .replace(/\n$/, '')
      .split('\n')
      .map((text) => ({ kind: part.added ? 'added' : part.removed ? 'removed' : 'same', text }) as const),
  );
}

// diffLines treats "a" and "a\n" as different last lines; a prompt's trailing newline is not what changed.
// An empty field has no lines at all.
const withNewline = (s: string) => (s === '' || s.endsWith('\n') ? s : `${s}\n`);

function stableJson(value: Record<string, unknown>): string {
  const keys = Object.keys(value).sort();
  return keys.map((k) => `${k}: ${JSON.stringify(value[k])}`).join('\n');
}
