/**
 * Which executions have stopped, for the row local activities of this worker: the workflow calls the `rows`
 * sink (RowSinks) when it stops, every row of that execution in flight is aborted (its model call too), and any
 * that starts later ends at once. Each row gets its own AbortController, tracked while it runs: a long-lived
 * signal per execution combined per row (AbortSignal.any) kept every row's signal alive on Node 20, and the
 * worker's heap grew by the row until it ran out. Bounded: an execution's entry is dropped after many newer ones.
 */
import type { InjectedSinks } from '@temporalio/worker';
import type { RowSinks } from '../src/shared/execution-contract';

const MAX_EXECUTIONS = 4096;

interface ExecutionRows {
  stopped: boolean;
  running: Set<AbortController>;
}

/** A row's abort signal while it runs; `done()` when it ends. */
export interface RowSignal {
  readonly signal: AbortSignal;
  /** Whether it was aborted because its execution stopped (not by an activity cancellation). */
  readonly stopped: boolean;
  done(): void;
}

export class RowStops {
  private readonly byExecution = new Map<number, ExecutionRows>();

  /** A signal for one row of `executionUid`, aborted when the execution stops or `cancelled` aborts. */
  track(executionUid: number, cancelled: AbortSignal): RowSignal {
    const rows = this.rowsOf(executionUid);
    const controller = new AbortController();
    const cancel = () => {
      controller.abort(cancelled.reason);
    };
    if (rows.stopped) controller.abort(new Error(`execution ${executionUid} stopped`));
    else {
      rows.running.add(controller);
      cancelled.addEventListener('abort', cancel, { once: true });
    }
    return {
      signal: controller.signal,
      get stopped() {
        return rows.stopped;
      },
      done: () => {
        rows.running.delete(controller);
        cancelled.removeEventListener('abort', cancel);
      },
    };
  }

  /** Rows of `executionUid` running now (for tests: nothing is kept once a row is done). */
  running(executionUid: number): number {
    return this.byExecution.get(executionUid)?.running.size ?? 0;
  }

  stop(executionUid: number): void {
    const rows = this.rowsOf(executionUid);
    rows.stopped = true;
    for (const controller of rows.running) controller.abort(new Error(`execution ${executionUid} stopped`));
    rows.running.clear();
  }

  private rowsOf(executionUid: number): ExecutionRows {
    let rows = this.byExecution.get(executionUid);
    if (!rows) {
      rows = { stopped: false, running: new Set() };
      this.byExecution.set(executionUid, rows);
      for (const oldest of this.byExecution.keys()) {
        if (this.byExecution.size <= MAX_EXECUTIONS) break;
        this.byExecution.delete(oldest);
      }
    }
    return rows;
  }

  /**
   * The sink the workflow calls. Also during replay: a worker that takes over a stopped execution after a crash
   * must not start its rows again.
   */
  sinks(): InjectedSinks<RowSinks> {
    return {
      rows: {
        stopExecution: {
          fn: (_info, executionUid) => {
            this.stop(executionUid);
          },
          callDuringReplay: true,
        },
      },
    };
  }
}
