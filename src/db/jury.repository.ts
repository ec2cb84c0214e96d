/** The votes of a jury's evaluators on a benchmark execution's datapoints, with the criteria's ground truth. */
import type { Queryable } from './pool';

export interface JuryVoteRow {
  xUid: string;
  split: string;
  truth: number | null;
  /** One per juror in the order asked; null where the juror has no score for the datapoint. */
  votes: (number | null)[];
}

/** Every datapoint of the execution's splits in dataset order (the first `numRows` of each split when it had one). */
export async function listJuryVotes(
  q: Queryable,
  p: { benchmarkExecutionUid: number; datasetUid: number; splits: string[]; criteriaUid: number; jurors: number[] },
): Promise<JuryVoteRow[]> {
  const { rows } = await q.query<JuryVoteRow>(
    `SELECT d.x_uid AS "xUid", d.split, g.score AS truth,
            ARRAY(SELECT (SELECT r.score FROM evaluator_results r
                            JOIN evaluator_executions e ON e.uid = r.execution_uid
                           WHERE e.benchmark_execution_uid = $1 AND e.evaluator_uid = j.uid AND r.x_uid = d.x_uid
                           LIMIT 1)
                    FROM unnest($5::int[]) WITH ORDINALITY AS j(uid, ord) ORDER BY j.ord) AS votes
       FROM datapoints d
       LEFT JOIN ground_truth g ON g.criteria_uid = $4 AND g.dataset_uid = d.dataset_uid AND g.x_uid = d.x_uid
      WHERE d.dataset_uid = $2 AND d.split = ANY($3::text[])
      ORDER BY d.position`,
    [p.benchmarkExecutionUid, p.datasetUid, p.splits, p.criteriaUid, p.jurors],
  );
  return rows;
}
