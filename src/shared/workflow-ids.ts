/** Workflow ids with business meaning, so a person can find an execution in the Web UI by its uids. */
export const evaluatorExecutionWorkflowId = (evaluatorUid: number, executionUid: number) =>
  `evaluator-${evaluatorUid}-execution-${executionUid}`;

export const benchmarkExecutionWorkflowId = (benchmarkUid: number, benchmarkExecutionUid: number) =>
  `benchmark-${benchmarkUid}-execution-${benchmarkExecutionUid}`;

export const exportWorkflowId = (exportUid: number) => `export-${exportUid}`;

/** Web UI link to a workflow. */
export function workflowUrl(uiUrl: string, namespace: string, workflowId: string): string {
  return `${uiUrl.replace(/\/$/, '')}/namespaces/${encodeURIComponent(namespace)}/workflows/${encodeURIComponent(workflowId)}`;
}
