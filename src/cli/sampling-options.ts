/** The self-consistency options of `evaluator execute` and `benchmark execute` (docs/judging.md). */
import { Option, type Command } from 'commander';
import { AGGREGATIONS, MAX_SAMPLES, type Aggregation } from '../shared/sampling';
import { positiveInt } from './common';

export interface SamplingOptions {
  samples?: number;
  aggregation?: Aggregation;
}

export function withSamplingOptions(cmd: Command): Command {
  return cmd
    .option(
      '--samples <n>',
      `judge each row n times (at most ${MAX_SAMPLES}) and aggregate; the row gets a confidence (default 1)`,
      positiveInt,
    )
    .addOption(
      new Option('--aggregation <rule>', 'how the samples become one score (default: majority)').choices(AGGREGATIONS),
    );
}
