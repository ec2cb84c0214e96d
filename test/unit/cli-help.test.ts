/**
 * Every command's --help: the global options where they apply, "(required)" on each option that must be given,
 * and an example (regression: subcommands listed neither --json nor --verbose, nothing said which options were
 * required, and none had an example).
 */
import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { commandPath, EXAMPLES } from '../../src/cli/help';
import { buildProgram } from '../../src/cli/program';

function leaves(cmd: Command): Command[] {
  return cmd.commands.flatMap((c) => (c.commands.length ? leaves(c) : [c]));
}

/** What `judgeflow <path> --help` prints. */
function helpOf(cmd: Command): string {
  let text = '';
  cmd.configureOutput({ writeOut: (s) => (text += s) });
  cmd.outputHelp();
  return text;
}

const commands = leaves(buildProgram());

describe('--help of every command', () => {
  it('covers every command with one example, and every example with a command', () => {
    expect(commands.map(commandPath).sort()).toEqual(Object.keys(EXAMPLES).sort());
  });

  it.each(commands.map((c) => [commandPath(c), c] as const))('%s', (path, cmd) => {
    const help = helpOf(cmd);
    expect(help).toMatch(new RegExp(`^Usage: judgeflow ${path} `));
    expect(help).toContain(`\nExample:\n  $ npx judgeflow ${EXAMPLES[path]!}\n`);
    if (['worker', 'dev', 'migrate'].includes(path)) expect(help).not.toContain('--json');
    else expect(help).toMatch(/Global Options:\n {2}--json +machine-readable[^]*\n {2}--verbose +print the stack/);
    // Descriptions wrap: compare with every run of blanks as one space.
    const flat = help.replace(/\s+/g, ' ');
    for (const option of cmd.options) {
      expect(flat, option.flags).toContain(`${option.flags} `);
      if (option.mandatory) expect(flat, option.flags).toContain(`${option.flags} ${option.description} (required)`);
    }
  });

  it('marks exactly the options that must be given', () => {
    const help = helpOf(commands.find((c) => commandPath(c) === 'evaluator create')!);
    expect(help).toMatch(/--criteria <uid> +criteria uid \(required\)/);
    expect(help).toMatch(/--model <name> +model name \(required\)/);
    expect(help).not.toMatch(/--name <name> .*\(required\)/);
    expect(helpOf(commands.find((c) => commandPath(c) === 'evaluator update')!)).not.toContain('(required)');
  });
});
