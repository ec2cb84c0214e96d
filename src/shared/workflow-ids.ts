/**
 * Workflow ids with business meaning, so a person can find an execution in the Web UI by its uids, and the
 * judgeflow instance (the database) they belong to after an `@`: two databases sharing one Temporal namespace
 * never collide. A workflow started before instance ids existed has no `@`, and its children keep that form.
 */
const withInstance = (instanceId: string, id: string) => (instanceId ? `${id}@${instanceId}` : id);

export const evaluatorExecutionWorkflowId = (instanceId: string, evaluatorUid: number, executionUid: number) =>
  withInstance(instanceId, `evaluator-${evaluatorUid}-execution-${executionUid}`);

export const benchmarkExecutionWorkflowId = (instanceId: string, benchmarkUid: number, benchmarkExecutionUid: number) =>
  withInstance(instanceId, `benchmark-${benchmarkUid}-execution-${benchmarkExecutionUid}`);

/** A benchmark schedule's Temporal Schedule; its runs' workflow ids are this with the start time appended. */
export const scheduleId = (instanceId: string, benchmarkUid: number, scheduleUid: number) =>
  withInstance(instanceId, `benchmark-${benchmarkUid}-schedule-${scheduleUid}`);

export const exportWorkflowId = (instanceId: string, exportUid: number) =>
  withInstance(instanceId, `export-${exportUid}`);

/** The instance a workflow id names ('' for one without), so a workflow starts its children in its own instance. */
export function instanceOfWorkflowId(workflowId: string): string {
  const at = workflowId.lastIndexOf('@');
  return at < 0 ? '' : workflowId.slice(at + 1);
}

/** Web UI link to a workflow. */
export function workflowUrl(uiUrl: string, namespace: string, workflowId: string): string {
  return `${uiUrl.replace(/\/$/, '')}/namespaces/${encodeURIComponent(namespace)}/workflows/${encodeURIComponent(workflowId)}`;
}
