/**
 * What every command shares: argument parsers that name the bad value, the connected client, output (human text
 * by default, `--json` for scripts), one-line errors (stack only with `--verbose`), and the worker check.
 */
import { InvalidArgumentError, type Command } from 'commander';
import Table from 'cli-table3';
import { JudgeflowError, MAX_UID, ValidationError } from '../errors';
import { Judgeflow } from '../sdk/Judgeflow';
import { runMain } from '../run-main';
import { requireWorker } from '../services/client/worker-presence';
import { inCliWords } from './cli-words';
import { terminalCell, terminalText } from './terminal-text';
import { cut } from './fit-cells';

export { cut };

/**
 * A parser of positive integers in plain decimal (not 0x10, 1e3 or 0.5) up to `max` (PostgreSQL's integer range by
 * default), named `what` in its error; commander puts the option's name before it.
 */
const positiveIntegerOf =
  (what: string, max = MAX_UID) =>
  (value: string): number => {
    const n = Number(value);
    if (!/^\d+$/.test(value) || n <= 0 || n > max)
      throw new InvalidArgumentError(`expected a ${what} (at most ${max}), got "${value}"`);
    return n;
  };

export const uid = positiveIntegerOf('positive integer uid');
/** `--evaluator 3 5` or `--evaluator 3 --evaluator 5`: uids collected into one list. */
export const uids = (value: string, previous: number[] = []): number[] => [...previous, uid(value)];
export const positiveInt = positiveIntegerOf('positive integer');
/** Token counts are stored as bigint: any integer JavaScript holds exactly. */
export const tokenCount = positiveIntegerOf('positive whole number of tokens', Number.MAX_SAFE_INTEGER);

/** A positive number in plain decimal (`12`, `0.5`): not hexadecimal, exponent or Infinity. */
export const positiveNumber = (value: string): number => {
  const n = Number(value);
  if (!/^(\d+(\.\d*)?|\.\d+)$/.test(value) || !Number.isFinite(n) || n <= 0)
    throw new InvalidArgumentError(`expected a positive number in plain decimal (e.g. 0.5 or 12), got "${value}"`);
  return n;
};

/** Repeatable `--option a --option b` collected into a list. */
export const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/** `key=value` pairs; values are JSON when they parse (numbers, booleans, objects), else strings. */
export const keyValues = (pairs: string[] = []): Record<string, unknown> =>
  Object.fromEntries(
    pairs.map((pair) => {
      const at = pair.indexOf('=');
      if (at <= 0) throw new ValidationError(`expected key=value, got "${pair}"`);
      const raw = pair.slice(at + 1);
      let value: unknown = raw;
      try {
        value = JSON.parse(raw);
      } catch {
        // a plain string
      }
      return [pair.slice(0, at), value];
    }),
  );

export interface GlobalOptions {
  verbose?: boolean;
  json?: boolean;
}

/** The commands' shared context: the root program (for global options) and the connected client. */
export class Cli {
  constructor(readonly program: Command) {}

  get globals(): GlobalOptions {
    return this.program.opts<GlobalOptions>();
  }

  /** Runs a command with a connected client; errors become one line and exit code 1. */
  run(fn: (jf: Judgeflow) => Promise<void>): Promise<void> {
    return runMain(
      async () => {
        const jf = await Judgeflow.connect();
        try {
          await fn(jf);
        } catch (err) {
          throw err instanceof JudgeflowError ? inCliWords(err) : err;
        } finally {
          await jf.close();
        }
      },
      { verbose: this.globals.verbose ?? false },
    );
  }

  /**
   * The command's result: JSON with `--json` (as it is: scripts read it), else the human rendering with every control
   * character from the data made visible (terminal-text.ts); tables and fields have escaped their line breaks too.
   */
  output(value: unknown, human: () => string): void {
    console.log(this.globals.json ? JSON.stringify(value, null, 2) : terminalText(human()));
  }

  /** A line about what is happening (stderr, so stdout stays the result); silent with `--json`. */
  note(line: string): void {
    if (!this.globals.json) console.error(terminalText(line));
  }

  /** Fails in seconds, naming the command that starts one, when no worker polls the task queue; `--wait` waits. */
  needWorker(jf: Judgeflow, o: WaitOption): Promise<void> {
    return requireWorker(jf, {
      wait: o.wait,
      onWait: (message) => {
        console.error(terminalText(message));
      },
    });
  }
}

export interface WaitOption {
  wait?: boolean;
}
export const WAIT_HELP = 'wait for a worker to poll the task queue instead of failing at once';

/** The nouns of `judgeflow noun verb`, with what their commands do. */
const NOUNS = {
  dataset: 'import and list datasets',
  benchmark: 'create, list, show and run benchmarks',
  criteria: 'create and list criteria, and set their ground truth',
  evaluator: 'create, update, list and run prompt evaluators',
  slice: 'create and list slices (named subsets of datapoints)',
  execution: 'follow, read, control and cancel one evaluator execution',
  connector: 'credentials for private s3:// and gs:// export destinations',
  schedule: 'run a benchmark on a schedule and gate every run',
  review: 'rows flagged for human review (by escalation)',
} as const;

/** The `noun` command of `judgeflow noun verb`, created on first use so several modules can add verbs to it. */
export function noun(program: Command, name: keyof typeof NOUNS): Command {
  return program.commands.find((c) => c.name() === name) ?? program.command(name).description(NOUNS[name]);
}

/** A borderless table for terminals; a cell's control characters are escaped, so each row is one line. */
export function table(head: string[], rows: (string | number | null | undefined)[][]): string {
  if (rows.length === 0) return '(none)';
  const t = new Table({
    head: head.map(terminalCell),
    chars: {
      top: '',
      'top-mid': '',
      'top-left': '',
      'top-right': '',
      bottom: '',
      'bottom-mid': '',
      'bottom-left': '',
      'bottom-right': '',
      left: '',
      'left-mid': '',
      mid: '',
      'mid-mid': '',
      right: '',
      'right-mid': '',
      middle: '  ',
    },
    style: { head: [], border: [], 'padding-left': 0, 'padding-right': 0 },
  });
  t.push(...rows.map((r) => r.map((c) => (c === null || c === undefined ? '-' : terminalCell(String(c))))));
  // cli-table3 pads every cell, the last one too: trailing blanks would only get in the way of copy and grep.
  return t
    .toString()
    .split('\n')
    .map((line) => line.trimEnd())
    .join('\n');
}

/** `key: value` lines, aligned; a value's control characters are escaped, so each field is one line. */
export function fields(entries: [string, unknown][]): string {
  const width = Math.max(...entries.map(([k]) => k.length));
  return entries.map(([k, v]) => `${`${k}:`.padEnd(width + 1)} ${terminalCell(display(v))}`).join('\n');
}

const display = (v: unknown): string =>
  v === null || v === undefined ? '-' : typeof v === 'string' ? v : JSON.stringify(v);

/** One line of at most `n` characters: runs of white space (line breaks too) become one space, long text ends in …. */
export function shorten(s: string | null | undefined, n = 70): string {
  return cut((s ?? '').replace(/\s+/g, ' '), n);
}

export const ratio = (v: number | null | undefined) => (v === null || v === undefined ? 'n/a' : v.toFixed(3));

/** A statistic with its interval, `0.812 [0.701, 0.889]`; the interval left out when there is none. */
export const withInterval = (v: number | null | undefined, i: { low: number; high: number } | null | undefined) =>
  i ? `${ratio(v)} [${i.low.toFixed(3)}, ${i.high.toFixed(3)}]` : ratio(v);
