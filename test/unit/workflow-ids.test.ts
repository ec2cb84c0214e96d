import { describe, expect, it } from 'vitest';
import {
  benchmarkExecutionWorkflowId,
  evaluatorExecutionWorkflowId,
  exportWorkflowId,
  instanceOfWorkflowId,
  workflowUrl,
} from '../../src/shared/workflow-ids';

describe('workflow ids', () => {
  it('carry the uids and, after an @, the judgeflow instance', () => {
    expect(evaluatorExecutionWorkflowId('3f9a2c1d', 2, 7)).toBe('evaluator-2-execution-7@3f9a2c1d');
    expect(benchmarkExecutionWorkflowId('3f9a2c1d', 1, 4)).toBe('benchmark-1-execution-4@3f9a2c1d');
    expect(exportWorkflowId('3f9a2c1d', 9)).toBe('export-9@3f9a2c1d');
    expect(instanceOfWorkflowId('benchmark-1-execution-4@3f9a2c1d')).toBe('3f9a2c1d');
  });

  it('keep the plain form for a database without an instance id, and its children too', () => {
    expect(evaluatorExecutionWorkflowId('', 2, 7)).toBe('evaluator-2-execution-7');
    expect(instanceOfWorkflowId('benchmark-1-execution-4')).toBe('');
  });

  it('are escaped in Web UI links', () => {
    expect(workflowUrl('http://localhost:8233/', 'default', 'export-9@3f9a2c1d')).toBe(
      'http://localhost:8233/namespaces/default/workflows/export-9%403f9a2c1d',
    );
  });
});
