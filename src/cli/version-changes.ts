/**
 * What the command line does that the SDK does not: `evaluator update` carries over from the latest prompt version
 * every field it is not given (the SDK keeps the reference's rule, a new version has exactly what is passed), and
 * `evaluator versions` says which fields each version changed. Pure: versions in, versions and field names out.
 */
import canonicalize from 'canonicalize';
import type { PromptVersionParams } from '../sdk/PromptEvaluator';

/** The fields of a prompt version, in the order they are listed. */
export const VERSION_FIELDS = ['systemPrompt', 'userPrompt', 'modelName', 'fmHyperparameters'] as const;
export type VersionField = (typeof VERSION_FIELDS)[number];

/** A field in the command line's words. */
export const FIELD_WORDS: Record<VersionField, string> = {
  systemPrompt: 'system prompt',
  userPrompt: 'user prompt',
  modelName: 'model',
  fmHyperparameters: 'parameters',
};

/** A stored version, as far as its content goes. */
export interface VersionContent {
  systemPrompt?: string | null;
  userPrompt?: string | null;
  modelName: string;
  fmHyperparameters?: Record<string, unknown> | null;
}

/** What `evaluator update` was given: undefined means "not given"; an empty prompt clears it. */
export interface GivenVersion {
  systemPrompt?: string;
  userPrompt?: string;
  modelName?: string;
  /** `--param key=value` pairs: set over the latest version's parameters, key by key. */
  params?: Record<string, unknown>;
  /** `--no-params`: start from no parameters instead of the latest version's. */
  clearParams?: boolean;
}

export interface CarriedVersion {
  params: PromptVersionParams;
  /** Fields not given, taken from the latest version as they were. */
  carriedOver: VersionField[];
  /** Fields whose value differs from the latest version's. */
  changed: VersionField[];
}

/** The new version: each field given, else the latest version's. */
export function carryOver(latest: VersionContent, given: GivenVersion): CarriedVersion {
  const paramsGiven = given.params !== undefined || given.clearParams === true;
  const base = given.clearParams ? {} : (latest.fmHyperparameters ?? {});
  const merged = { ...base, ...given.params };
  const params: PromptVersionParams = {
    systemPrompt: given.systemPrompt ?? latest.systemPrompt ?? undefined,
    userPrompt: given.userPrompt ?? latest.userPrompt ?? undefined,
    modelName: given.modelName ?? latest.modelName,
    fmHyperparameters: Object.keys(merged).length ? merged : undefined,
  };
  const isGiven: Record<VersionField, boolean> = {
    systemPrompt: given.systemPrompt !== undefined,
    userPrompt: given.userPrompt !== undefined,
    modelName: given.modelName !== undefined,
    fmHyperparameters: paramsGiven,
  };
  return {
    params,
    carriedOver: VERSION_FIELDS.filter((f) => !isGiven[f]),
    changed: changedFields(latest, params),
  };
}

/** The fields in which `next` differs from `previous` (a blank prompt and no prompt are the same). */
export function changedFields(previous: VersionContent, next: VersionContent): VersionField[] {
  return VERSION_FIELDS.filter((f) => comparable(previous, f) !== comparable(next, f));
}

function comparable(v: VersionContent, field: VersionField): string {
  switch (field) {
    case 'systemPrompt':
    case 'userPrompt':
      return v[field]?.trim() ? v[field] : '';
    case 'modelName':
      return v.modelName;
    case 'fmHyperparameters': {
      const p = v.fmHyperparameters;
      return p && Object.keys(p).length ? (canonicalize(p) ?? '') : '';
    }
  }
}

/** `user prompt, parameters`, or `nothing`. */
export const describeFields = (fields: VersionField[]): string =>
  fields.length ? fields.map((f) => FIELD_WORDS[f]).join(', ') : 'nothing';
