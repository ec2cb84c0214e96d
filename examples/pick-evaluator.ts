/** The evaluator an example runs: the uid given on the command line, else the newest prompt evaluator (`npm run demo` makes one). */
import { JudgeflowError } from '../src/errors';
import type { Judgeflow } from '../src/sdk/Judgeflow';

export async function pickEvaluatorUid(jf: Judgeflow): Promise<number> {
  const given = process.argv[2];
  if (given !== undefined) {
    const uid = Number(given);
    if (!Number.isInteger(uid) || uid <= 0)
      throw new JudgeflowError(`expected an evaluator uid, got ${JSON.stringify(given)}`);
    return uid;
  }
  const { rows } = await jf.db.query<{ uid: number }>(
    `SELECT uid FROM evaluators WHERE type = 'prompt' ORDER BY uid DESC LIMIT 1`,
  );
  if (!rows[0]) throw new JudgeflowError('no prompt evaluator yet: run `npm run demo` first, or pass an evaluator uid');
  return rows[0].uid;
}
