import { afterAll, describe, expect, it } from 'vitest';
import { connectTestClient } from '../support/context';

describe('test harness', () => {
  it('gives a migrated database and a reachable dev server with the search attributes', async () => {
    const jf = await connectTestClient();
    afterAll(() => jf.close());
    const { rows } = await jf.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM pgmigrations`);
    expect(rows[0]?.n).toBeGreaterThanOrEqual(1);
    const client = await jf.temporal();
    const attributes = await client.connection.operatorService.listSearchAttributes({ namespace: 'default' });
    expect(Object.keys(attributes.customAttributes ?? {})).toEqual(
      expect.arrayContaining(['JudgeflowEvaluatorUid', 'JudgeflowBenchmarkUid', 'JudgeflowKind', 'JudgeflowSplit']),
    );
  });
});
