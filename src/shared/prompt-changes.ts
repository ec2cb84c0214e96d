/** What changed between the prompt versions of two benchmark executions, as `report A B` shows it (types only). */

/** The parts of a prompt version a diff shows. */
export interface PromptVersionText {
  name: string;
  systemPrompt: string | null;
  userPrompt: string | null;
  modelName: string;
  fmHyperparameters: Record<string, unknown> | null;
}

export type PromptField = 'system prompt' | 'user prompt' | 'model' | 'parameters';

export interface PromptFieldDiff {
  field: PromptField;
  /** The field's text in A and in B, line by line: kept, removed (only in A) or added (only in B). */
  lines: { kind: 'same' | 'removed' | 'added'; text: string }[];
}

export interface PromptChange {
  evaluatorUid: number;
  /** Version names as run (several when the splits ran different versions: then each is listed). */
  before: string[];
  after: string[];
  /** Only the fields that differ; empty when both ran the same text. */
  fields: PromptFieldDiff[];
}
