/** Prompt versions of a prompt evaluator: which one a name (or "latest") means, and the next generated name. */
import { UnknownVersionError } from '../../errors';
import { listPromptVersions, type PromptVersionRecord } from '../../db/evaluator.repository';
import type { Queryable } from '../../db/pool';

/** The named version, or the latest (newest) one when no name is given. */
export async function resolvePromptVersion(
  q: Queryable,
  promptWorkflowUid: number,
  versionName?: string,
): Promise<PromptVersionRecord> {
  const versions = await listPromptVersions(q, promptWorkflowUid);
  const version = versionName === undefined ? versions.at(-1) : versions.find((v) => v.name === versionName);
  if (!version)
    throw new UnknownVersionError(
      versionName ?? '(latest)',
      versions.map((v) => v.name),
    );
  return version;
}

/** "v<n>" for the first n (from the version count + 1) that no version uses yet. */
export function nextVersionName(existing: string[]): string {
  for (let n = existing.length + 1; ; n++) if (!existing.includes(`v${n}`)) return `v${n}`;
}
