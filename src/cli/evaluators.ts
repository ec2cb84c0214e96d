/**
 * Commands that define prompt evaluators: `evaluator create|update|versions|list`. `update` carries over from the
 * latest version what it is not given (version-changes.ts), and `versions` says what each version changed. Both
 * `create` and `update` warn when a prompt uses a column that holds the ground truth.
 */
import fs from 'node:fs/promises';
import type { Command } from 'commander';
import { ValidationError } from '../errors';
import { Benchmark } from '../sdk/Benchmark';
import type { Judgeflow } from '../sdk/Judgeflow';
import { PromptEvaluator } from '../sdk/PromptEvaluator';
import { findGroundTruthLeaks } from '../services/client/ground-truth-leaks';
import { Cli, collect, fields, keyValues, noun, table, uid } from './common';
import { carryOver, changedFields, describeFields, type GivenVersion } from './version-changes';

/** `evaluator create|update|versions|list`. */
export function registerEvaluatorCommands(program: Command, cli: Cli): void {
  registerEvaluatorCreateCommand(program, cli);
  registerEvaluatorUpdateCommand(program, cli);
  registerEvaluatorVersionsCommand(program, cli);
  registerEvaluatorListCommand(program, cli);
}

/** `judgeflow evaluator create` */
function registerEvaluatorCreateCommand(program: Command, cli: Cli): void {
  withPromptOptions(
    noun(program, 'evaluator')
      .command('create')
      .description('a prompt evaluator for a criteria, with its first prompt version')
      .requiredOption('--criteria <uid>', 'criteria uid', uid)
      .requiredOption('--model <name>', 'model name')
      .option('--name <name>', 'evaluator name (default: "<criteria> judge")'),
  ).action((o: PromptCliOptions & { criteria: number; model: string; name?: string }) =>
    cli.run(async (jf) => {
      const given = await promptTexts(o);
      const e = await PromptEvaluator.create({
        criteriaUid: o.criteria,
        name: o.name,
        versionName: o.versionName,
        modelName: o.model,
        systemPrompt: given.systemPrompt,
        userPrompt: given.userPrompt,
        fmHyperparameters: given.params,
      });
      const versions = await e.getVersions();
      const warnings = await warnGroundTruthLeaks(jf, o.criteria, [given.systemPrompt, given.userPrompt]);
      cli.output(
        { ...plainEvaluator(e), versions, warnings },
        () => `evaluator ${e.evaluatorUid} "${e.name}", version ${versions.join(', ')}`,
      );
    }),
  );
}

/** `judgeflow evaluator update` */
function registerEvaluatorUpdateCommand(program: Command, cli: Cli): void {
  withPromptOptions(
    noun(program, 'evaluator')
      .command('update')
      .description(
        'a new prompt version, which becomes the latest: what is not given is carried over from the latest version',
      )
      .argument('<evaluatorUid>', 'evaluator uid', uid)
      .option('--model <name>', "model name (default: the latest version's)"),
  )
    .option('--no-params', "drop the latest version's parameters (then only the --param given are set)")
    .action((evaluatorUid: number, o: PromptCliOptions & { model?: string; params: boolean }) =>
      cli.run(async (jf) => {
        const e = await PromptEvaluator.get(evaluatorUid, jf);
        const latest = await e.getVersion();
        const next = carryOver(latest, { ...(await promptTexts(o)), modelName: o.model, clearParams: !o.params });
        const versionName = await e.update({ ...next.params, versionName: o.versionName });
        const value = {
          evaluatorUid,
          versionName,
          previousVersion: latest.name,
          changed: next.changed,
          carriedOver: next.carriedOver,
          warnings: await warnGroundTruthLeaks(jf, e.criteriaUid, [next.params.systemPrompt, next.params.userPrompt]),
        };
        cli.output(value, () =>
          [
            `evaluator ${evaluatorUid}: new version ${versionName} (the latest), from ${latest.name}`,
            fields([
              ['  changed', describeFields(next.changed)],
              ['  carried over', describeFields(next.carriedOver)],
            ]),
          ].join('\n'),
        );
      }),
    );
}

/** `judgeflow evaluator versions` */
function registerEvaluatorVersionsCommand(program: Command, cli: Cli): void {
  noun(program, 'evaluator')
    .command('versions')
    .description("an evaluator's prompt versions, oldest first (the last is the latest), and what each changed")
    .argument('<evaluatorUid>', 'evaluator uid', uid)
    .action((evaluatorUid: number) =>
      cli.run(async () => {
        const e = await PromptEvaluator.get(evaluatorUid);
        const stored = await Promise.all((await e.getVersions()).map((v) => e.getVersion(v)));
        // What each version changed from the one before it (null for the first).
        const versions = stored.map((v, i) => ({
          ...v,
          changedFromPrevious: i === 0 ? null : changedFields(stored[i - 1]!, v),
        }));
        cli.output(versions, () =>
          table(
            ['name', 'model', 'parameters', 'changed from previous', 'created'],
            versions.map((v) => [
              v.name,
              v.modelName,
              v.fmHyperparameters ? JSON.stringify(v.fmHyperparameters) : '',
              v.changedFromPrevious === null ? '(first)' : describeFields(v.changedFromPrevious),
              v.createdAt.toISOString(),
            ]),
          ),
        );
      }),
    );
}

/** `judgeflow evaluator list` */
function registerEvaluatorListCommand(program: Command, cli: Cli): void {
  noun(program, 'evaluator')
    .command('list')
    .description("a benchmark's evaluators")
    .requiredOption('--benchmark <uid>', 'benchmark uid', uid)
    .action((o: { benchmark: number }) =>
      cli.run(async () => {
        const all = await (await Benchmark.get(o.benchmark)).evaluators();
        cli.output(all, () =>
          table(
            ['uid', 'name', 'type', 'criteria'],
            all.map((e) => [e.evaluatorUid, e.name, e.type, e.criteriaUid]),
          ),
        );
      }),
    );
}

/** The prompt version options of `evaluator create` and `evaluator update`. */
function withPromptOptions(cmd: Command): Command {
  return cmd
    .option('--system-prompt <text>', "system prompt ({{column}} inserts a dataset column; '' for none)")
    .option('--system-prompt-file <file>', 'system prompt from a file')
    .option('--user-prompt <text>', "user prompt ({{column}} inserts a dataset column; '' for none)")
    .option('--user-prompt-file <file>', 'user prompt from a file')
    .option('--param <key=value>', 'a model hyper-parameter, e.g. temperature=0 (repeatable)', collect)
    .option('--version-name <name>', 'name of the prompt version');
}

interface PromptCliOptions {
  systemPrompt?: string;
  systemPromptFile?: string;
  userPrompt?: string;
  userPromptFile?: string;
  param?: string[];
  versionName?: string;
}

/** The prompts and parameters given (inline or from a file); undefined where none was given. */
async function promptTexts(o: PromptCliOptions): Promise<GivenVersion> {
  const text = async (inline: string | undefined, file: string | undefined, what: string) => {
    if (inline !== undefined && file !== undefined)
      throw new ValidationError(`give --${what} or --${what}-file, not both`);
    return file !== undefined ? fs.readFile(file, 'utf8') : inline;
  };
  return {
    systemPrompt: await text(o.systemPrompt, o.systemPromptFile, 'system-prompt'),
    userPrompt: await text(o.userPrompt, o.userPromptFile, 'user-prompt'),
    params: o.param ? keyValues(o.param) : undefined,
  };
}

/**
 * Says on stderr (with --json too: stdout stays the result) when a prompt shows the judge a column that looks like
 * the ground truth it is scored against; returns the warnings for the JSON output.
 */
async function warnGroundTruthLeaks(
  jf: Judgeflow,
  criteriaUid: number,
  templates: (string | undefined)[],
): Promise<string[]> {
  const warnings = (await findGroundTruthLeaks(jf, criteriaUid, templates)).map(
    ({ column, reason }) =>
      `the prompt uses {{${column}}}, which looks like the ground truth (${reason}): ` +
      'the judge would see the answer it is scored against',
  );
  for (const w of warnings) console.error(`warning: ${w}`);
  return warnings;
}

const plainEvaluator = (e: PromptEvaluator) => ({
  evaluatorUid: e.evaluatorUid,
  name: e.name,
  criteriaUid: e.criteriaUid,
  benchmarkUid: e.benchmarkUid,
  promptWorkflowUid: e.promptWorkflowUid,
});
