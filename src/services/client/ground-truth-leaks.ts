/**
 * Prompt templates that show the judge the answer: a template variable naming a dataset column that holds the
 * criteria's ground truth. Ground truth is stored apart from the dataset (per criteria and datapoint), but it is
 * usually imported from a column of the dataset itself (`criteria ground-truth --column`), and that column stays
 * a column any template may use. A column is suspect when it is named like the criteria, or when its values are
 * the ground truth (its score or its label's name) on nearly every datapoint that has one.
 */
import { countGroundTruthInColumn, findCriteria } from '../../db/criteria.repository';
import { NotFoundError } from '../../errors';
import { templateVariables } from '../../prompt/template';
import type { StorageContext } from '../common/context';

/** The share of ground-truth datapoints a column must agree on to be taken for the ground truth. */
const HOLDS_TRUTH_SHARE = 0.9;

export interface GroundTruthLeak {
  column: string;
  /** Why the column looks like the ground truth, in words. */
  reason: string;
}

/** The columns the templates use that look like the criteria's ground truth, in order of first use. */
export async function findGroundTruthLeaks(
  ctx: StorageContext,
  criteriaUid: number,
  templates: (string | null | undefined)[],
): Promise<GroundTruthLeak[]> {
  const criteria = await findCriteria(ctx.db, criteriaUid);
  if (!criteria) throw new NotFoundError('criteria', criteriaUid);
  const columns = [...new Set(templates.flatMap((t) => templateVariables(t ?? '')))];
  const leaks: GroundTruthLeak[] = [];
  for (const column of columns) {
    const { withTruth, matching } = await countGroundTruthInColumn(ctx.db, criteriaUid, column);
    if (withTruth > 0 && matching >= withTruth * HOLDS_TRUTH_SHARE)
      leaks.push({
        column,
        reason: `it holds the ground truth of criteria "${criteria.name}" on ${matching} of its ${withTruth} datapoints`,
      });
    else if (column.trim().toLowerCase() === criteria.name.trim().toLowerCase())
      leaks.push({ column, reason: `it is named like criteria "${criteria.name}", whose ground truth it may hold` });
  }
  return leaks;
}
