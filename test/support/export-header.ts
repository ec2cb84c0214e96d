/** An export header for writer tests: a finished execution with no criteria, evaluators or slices unless given. */
import type { ExportHeader } from '../../src/export/format';

export function exportHeader(
  parts: Partial<Pick<ExportHeader, 'userColumns' | 'criteria' | 'evaluators' | 'slices'>>,
): ExportHeader {
  return {
    benchmark: { benchmarkUid: 1, name: 'b', description: '', dataset: { datasetUid: 2, name: 'd' } },
    execution: {
      benchmarkExecutionUid: 3,
      name: 'Execution 1',
      createdAt: new Date('2026-01-01T00:00:00Z'),
      createdBy: 'me',
      status: 'completed',
      error: null,
      splits: ['dev'],
      numRows: null,
      finishedAt: new Date('2026-01-01T00:01:00Z'),
      durationSeconds: 60,
      exportedAt: new Date('2026-01-02T00:00:00Z'),
    },
    userColumns: [],
    criteria: [],
    evaluators: [],
    slices: [],
    ...parts,
  };
}
