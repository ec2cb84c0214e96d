/**
 * Watching a running evaluator execution from the terminal: a live progress bar on a TTY (rows done and errors,
 * rows/s, ETA, the adaptive concurrency window, rate-limited calls), a plain line every few seconds otherwise.
 * Ctrl-C detaches: the execution keeps running, and the message says how to re-attach or cancel.
 */
import cliProgress from 'cli-progress';
import type { PromptEvaluator } from '../sdk/PromptEvaluator';
import type { ExecutionProgress, ExecutionStatus } from '../shared/execution-contract';

const TTY_REFRESH_MS = 500;
const LINE_EVERY_MS = 5_000;

export type WatchOutcome = { detached: true } | { detached: false; status: ExecutionStatus };

export async function watchExecution(
  evaluator: PromptEvaluator,
  executionUid: number,
  options: { stream?: NodeJS.WriteStream; signal?: AbortSignal } = {},
): Promise<WatchOutcome> {
  const stream = options.stream ?? process.stderr;
  const tty = stream.isTTY;
  const bar = tty
    ? new cliProgress.SingleBar(
        {
          stream,
          format:
            '{bar} {value}/{total} rows | {errors} errors | {speed} rows/s | ETA {eta_formatted} | window {window} | {limited} rate-limited',
          hideCursor: true,
          etaBuffer: 50,
        },
        cliProgress.Presets.shades_classic,
      )
    : undefined;
  const started = Date.now();
  let lastLine = 0;
  let barStarted = false;
  try {
    for (;;) {
      if (options.signal?.aborted) return { detached: true };
      // The workflow's progress query is cheap; results are read once, at the end, for the recorded status.
      const progress = await evaluator.getExecutionProgress(executionUid);
      if (progress.total > 0) {
        const fields = barFields(progress, started);
        if (bar) {
          if (!barStarted) bar.start(progress.total, progress.done, fields);
          else bar.update(progress.done, fields);
          barStarted = true;
        } else if (Date.now() - lastLine >= LINE_EVERY_MS) {
          stream.write(`${progressLine(progress, fields)}\n`);
          lastLine = Date.now();
        }
      }
      if (progress.status !== 'running') {
        const [status] = await evaluator.pollExecutionResult(executionUid);
        return { detached: false, status };
      }
      await sleep(TTY_REFRESH_MS, options.signal);
    }
  } finally {
    bar?.stop();
  }
}

function barFields(p: ExecutionProgress, started: number) {
  const seconds = (Date.now() - started) / 1000;
  return {
    errors: p.errors,
    speed: seconds > 0 ? (p.done / seconds).toFixed(1) : '0.0',
    window: `${p.concurrency.effective}/${p.concurrency.max}`,
    limited: p.rateLimited,
  };
}

function progressLine(p: ExecutionProgress, f: ReturnType<typeof barFields>): string {
  return (
    `execution ${p.executionUid}: ${p.done}/${p.total} rows, ${f.errors} errors, ${f.speed} rows/s, ` +
    `window ${f.window}, ${f.limited} rate-limited`
  );
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
}
