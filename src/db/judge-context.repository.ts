/** Reads a judge activity needs: the execution's prompt version and criteria, and rows by dataset position. */
import type { Queryable } from './pool';
import type { Aggregation, LabelOrder, Scoring, ScoringFallback } from '../shared/sampling';

export interface JudgeCriteria {
  uid: number;
  name: string;
  description: string;
  requiresRationale: boolean;
  labels: { name: string; score: number; description: string }[];
}

export interface JudgeContext {
  executionUid: number;
  datasetUid: number;
  /** Reuse cached answers of identical requests. */
  cache: boolean;
  /** Judgements per row and how they aggregate. */
  samples: number;
  aggregation: Aggregation;
  scoring: Scoring;
  scoringFallback: ScoringFallback | null;
  labelOrder: LabelOrder;
  version: {
    systemPrompt: string | null;
    userPrompt: string | null;
    modelName: string;
    fmHyperparameters: Record<string, unknown> | null;
  };
  criteria: JudgeCriteria;
}

export async function loadJudgeContext(q: Queryable, executionUid: number): Promise<JudgeContext | undefined> {
  const { rows } = await q.query<JudgeContext>(
    `SELECT e.uid AS "executionUid", b.dataset_uid AS "datasetUid", e.cache, e.samples, e.aggregation, e.scoring,
            e.scoring_fallback AS "scoringFallback", e.label_order AS "labelOrder",
            json_build_object('systemPrompt', v.system_prompt, 'userPrompt', v.user_prompt,
                              'modelName', v.model_name, 'fmHyperparameters', v.fm_hyperparameters) AS version,
            json_build_object('uid', c.uid, 'name', c.name, 'description', c.description,
                              'requiresRationale', c.requires_rationale,
                              'labels', (SELECT json_agg(json_build_object('name', l.name, 'score', l.score,
                                                                            'description', l.description)
                                                         ORDER BY l.position, l.score)
                                           FROM criteria_labels l WHERE l.criteria_uid = c.uid)) AS criteria
       FROM evaluator_executions e
       JOIN prompt_versions v ON v.uid = e.prompt_version_uid
       JOIN evaluators ev ON ev.uid = e.evaluator_uid
       JOIN criteria c ON c.uid = ev.criteria_uid
       JOIN benchmarks b ON b.uid = ev.benchmark_uid
      WHERE e.uid = $1`,
    [executionUid],
  );
  return rows[0];
}

/** User columns of the rows whose dataset position is in [from, to), keyed by x_uid. */
export async function loadRowsByPosition(
  q: Queryable,
  datasetUid: number,
  from: number,
  to: number,
): Promise<Map<string, Record<string, unknown>>> {
  const { rows } = await q.query<{ x_uid: string; data: Record<string, unknown> }>(
    `SELECT x_uid, data FROM datapoints WHERE dataset_uid = $1 AND position >= $2 AND position < $3`,
    [datasetUid, from, to],
  );
  return new Map(rows.map((r) => [r.x_uid, r.data]));
}
