/**
 * Watching running work from the terminal: a live progress bar on a TTY (rows done and errors, rows/s, ETA, the
 * adaptive concurrency window, rate-limited calls), a plain line every few seconds otherwise. Ctrl-C detaches: the
 * work keeps running; the caller says how to re-attach or cancel.
 */
import { setTimeout } from 'node:timers/promises';
import cliProgress from 'cli-progress';
import type { BenchmarkExecution } from '../sdk/BenchmarkExecution';
import { PromptEvaluator } from '../sdk/PromptEvaluator';
import { fitProgressLine } from './progress-line';
import { describeEta, describeRate, ProgressMeter, type Pace } from './progress-meter';
import type { Judgeflow } from '../sdk/Judgeflow';
import type { BenchmarkChildProgress } from '../shared/benchmark-contract';
import type { ExecutionProgress, ExecutionStatus } from '../shared/execution-contract';

const TTY_REFRESH_MS = 500;
const LINE_EVERY_MS = 5_000;

/** What the bar shows, summed over the evaluator executions being watched. */
export interface WatchSnapshot {
  total: number;
  done: number;
  errors: number;
  /** The adaptive concurrency window, when something has one (shown as "-" otherwise). */
  window?: { effective: number; max: number };
  rateLimited: number;
  running: boolean;
  /** Tokens and USD spent so far (cost null when unknown), and why rows are not scheduled, when paused. */
  tokens: number;
  costUsd: number | null;
  paused?: string;
}

export type WatchOutcome = { detached: true } | { detached: false; status: ExecutionStatus };

export interface WatchOptions {
  stream?: NodeJS.WriteStream;
  signal?: AbortSignal;
  refreshMs?: number;
}

/**
 * Polls `snapshot` until it reports not running (then `finalStatus` gives the recorded status) or `signal` aborts.
 * `name` starts each plain line, e.g. "execution 12".
 */
export async function watchProgress(
  name: string,
  snapshot: () => Promise<WatchSnapshot>,
  finalStatus: () => Promise<ExecutionStatus>,
  options: WatchOptions = {},
): Promise<WatchOutcome> {
  const stream = options.stream ?? process.stderr;
  const bar = stream.isTTY
    ? new cliProgress.SingleBar({
        stream,
        // Sized on every redraw to the terminal's width then (cli-progress passes it as maxWidth).
        format: (_options, params, payload: { segments: string[] }) =>
          fitProgressLine(params.progress, payload.segments, params.maxWidth),
        hideCursor: true,
      })
    : undefined;
  const meter = new ProgressMeter();
  let lastLine = 0;
  let barStarted = false;
  try {
    for (;;) {
      if (options.signal?.aborted) return { detached: true };
      const s = await snapshot();
      if (s.total > 0) {
        const segments = progressSegments(s, meter.observe(s));
        if (bar) {
          if (!barStarted) bar.start(s.total, s.done, { segments });
          else {
            bar.setTotal(s.total);
            bar.update(s.done, { segments });
          }
          barStarted = true;
        } else if (Date.now() - lastLine >= LINE_EVERY_MS || !s.running) {
          stream.write(`${name}: ${segments.join(', ')}\n`);
          lastLine = Date.now();
        }
      }
      if (!s.running) return { detached: false, status: await finalStatus() };
      await sleep(options.refreshMs ?? TTY_REFRESH_MS, options.signal);
    }
  } finally {
    bar?.stop();
  }
}

/** One evaluator execution, from its workflow's progress query. */
export function watchExecution(
  evaluator: PromptEvaluator,
  executionUid: number,
  options: WatchOptions = {},
): Promise<WatchOutcome> {
  return watchProgress(
    `execution ${executionUid}`,
    async () => {
      const p = await evaluator.getExecutionProgress(executionUid);
      return {
        total: p.total,
        done: p.done,
        errors: p.errors,
        window: p.concurrency,
        rateLimited: p.rateLimited,
        running: p.status === 'running',
        tokens: p.spend.tokens,
        costUsd: p.spend.costUnknownRows > 0 ? null : p.spend.costUsd,
        paused: p.paused?.reason,
      };
    },
    async () => (await evaluator.pollExecutionResult(executionUid))[0],
    options,
  );
}

/**
 * A benchmark execution: its evaluator executions' progress, summed (children not started yet count as 0 done).
 * The window is that of the children running now; once none runs, the windows they ended with (a single
 * execution's last line shows its own the same way), never the 0/0 of no child at all.
 */
export function watchBenchmarkExecution(
  jf: Judgeflow,
  execution: BenchmarkExecution,
  options: WatchOptions = {},
): Promise<WatchOutcome> {
  const evaluators = new Map<number, PromptEvaluator>();
  // A child that has ended keeps its last progress: querying a closed workflow again makes a worker replay it.
  const ended = new Map<number, ExecutionProgress>();
  const childProgress = async (child: BenchmarkChildProgress): Promise<ExecutionProgress | undefined> => {
    const known = ended.get(child.executionUid);
    if (known) return known;
    let evaluator = evaluators.get(child.evaluatorUid);
    if (!evaluator) {
      evaluator = await PromptEvaluator.get(child.evaluatorUid, jf);
      evaluators.set(child.evaluatorUid, evaluator);
    }
    const p = await evaluator.getExecutionProgress(child.executionUid).catch(() => undefined);
    if (p && p.status !== 'running') ended.set(child.executionUid, p);
    return p;
  };
  return watchProgress(
    `benchmark execution ${execution.benchmarkExecutionUid}`,
    async () => {
      const progress = await execution.progress();
      const started = await Promise.all(
        progress.children.filter((c) => c.status !== 'pending').map((c) => childProgress(c)),
      );
      return sumProgress(
        progress.status === 'running',
        progress.children.reduce((n, c) => n + c.totalRows, 0),
        started.filter((p) => p !== undefined),
      );
    },
    // The workflow records the summary after its state says it has ended: wait for its end, not its state.
    () => execution.wait(),
    { refreshMs: 1_000, ...options },
  );
}

/** The children's progress as one snapshot. */
export function sumProgress(running: boolean, total: number, children: ExecutionProgress[]): WatchSnapshot {
  const sum: WatchSnapshot = { total, done: 0, errors: 0, rateLimited: 0, running, tokens: 0, costUsd: 0 };
  for (const p of children) {
    sum.done += p.done;
    sum.errors += p.errors;
    sum.rateLimited += p.rateLimited;
    sum.tokens += p.spend.tokens;
    sum.costUsd = sum.costUsd === null || p.spend.costUsd === null ? null : sum.costUsd + p.spend.costUsd;
    if (p.paused) sum.paused = p.paused.reason;
  }
  // A child that has just started has not opened its window yet (0/0): it has none to add.
  const opened = children.filter((p) => p.concurrency.max > 0);
  const runningNow = opened.filter((p) => p.status === 'running');
  const windows = (runningNow.length ? runningNow : opened).map((p) => p.concurrency);
  if (windows.length)
    sum.window = windows.reduce((w, c) => ({ effective: w.effective + c.effective, max: w.max + c.max }), {
      effective: 0,
      max: 0,
    });
  return sum;
}

/** What a progress line says, in parts: the same on the terminal's bar and in the plain lines. */
function progressSegments(s: WatchSnapshot, pace: Pace): string[] {
  return [
    `${s.done}/${s.total} rows`,
    `${s.errors} errors`,
    `${describeRate(pace)} rows/s`,
    describeEta(pace, s.paused),
    `window ${s.window ? `${s.window.effective}/${s.window.max}` : '-'}`,
    `${s.rateLimited} rate-limited`,
    `${s.tokens} tokens${s.costUsd ? ` $${s.costUsd.toFixed(4)}` : ''}`,
  ];
}

/** Runs `watch` with Ctrl-C wired to detach instead of killing the process. */
export async function detachOnInterrupt<T>(watch: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const detach = new AbortController();
  const onInterrupt = () => {
    detach.abort();
  };
  process.once('SIGINT', onInterrupt);
  try {
    return await watch(detach.signal);
  } finally {
    process.off('SIGINT', onInterrupt);
  }
}

/**
 * Waits `ms`, or less when `signal` aborts. `timers/promises` removes its abort listener when the timer fires: one
 * added per poll and never removed (as a hand-made sleep did) passed Node's limit of 10 after a few seconds of
 * watching and printed a MaxListenersExceededWarning.
 */
async function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  try {
    await setTimeout(ms, undefined, { signal });
  } catch (err) {
    if (!signal?.aborted) throw err;
  }
}
