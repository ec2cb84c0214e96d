/** How `evaluator execute` and `benchmark execute` make each verdict: samples, logprobs (docs/judging.md). */
import { Option, type Command } from 'commander';
import {
  AGGREGATIONS,
  MAX_SAMPLES,
  SCORING_FALLBACKS,
  SCORINGS,
  type Aggregation,
  type Scoring,
  type ScoringFallback,
} from '../shared/sampling';
import { positiveInt } from './common';

export interface SamplingOptions {
  samples?: number;
  aggregation?: Aggregation;
  scoring?: Scoring;
  fallback?: ScoringFallback;
}

/** The options as execute() takes them. */
export function samplingOf(o: SamplingOptions): SamplingOptions {
  return { samples: o.samples, aggregation: o.aggregation, scoring: o.scoring, fallback: o.fallback };
}

export function withSamplingOptions(cmd: Command): Command {
  return cmd
    .option(
      '--samples <n>',
      `judge each row n times (at most ${MAX_SAMPLES}) and aggregate; the row gets a confidence (default 1)`,
      positiveInt,
    )
    .addOption(
      new Option(
        '--aggregation <rule>',
        'how samples (or a logprob distribution) become one score (default: majority)',
      ).choices(AGGREGATIONS),
    )
    .addOption(
      new Option(
        '--scoring <how>',
        "score by the judge's answer, or by its probabilities over the labels (default: answer)",
      ).choices(SCORINGS),
    )
    .addOption(
      new Option('--fallback <how>', 'with --scoring logprobs, sample when the model gives no logprobs').choices(
        SCORING_FALLBACKS,
      ),
    );
}
