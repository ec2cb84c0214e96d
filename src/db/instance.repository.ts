/** This database's judgeflow instance id (see migration 1732400000006_instance-id). */
import { UNDEFINED_TABLE, sqlState } from './errors';
import type { Queryable } from './pool';

/** The instance id, or '' for a database without the schema yet (nothing can run there anyway). */
export async function findInstanceId(q: Queryable): Promise<string> {
  try {
    const { rows } = await q.query<{ instanceId: string }>(
      `SELECT instance_id AS "instanceId" FROM judgeflow_instance`,
    );
    return rows[0]?.instanceId ?? '';
  } catch (err) {
    if (sqlState(err) === UNDEFINED_TABLE) return '';
    throw err;
  }
}
