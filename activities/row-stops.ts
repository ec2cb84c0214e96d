/**
 * Which executions have stopped, for the row local activities of this worker: the workflow calls the `rows`
 * sink (RowSinks) when it stops, and every row of that execution in flight is aborted (its model call too), and
 * any that starts later ends at once. Bounded: an execution's entry is dropped after many newer ones.
 */
import type { InjectedSinks } from '@temporalio/worker';
import type { RowSinks } from '../src/shared/execution-contract';

const MAX_EXECUTIONS = 4096;

export class RowStops {
  private readonly byExecution = new Map<number, AbortController>();

  /** Aborted once the execution stops. */
  signal(executionUid: number): AbortSignal {
    let controller = this.byExecution.get(executionUid);
    if (!controller) {
      controller = new AbortController();
      this.byExecution.set(executionUid, controller);
      for (const oldest of this.byExecution.keys()) {
        if (this.byExecution.size <= MAX_EXECUTIONS) break;
        this.byExecution.delete(oldest);
      }
    }
    return controller.signal;
  }

  stop(executionUid: number): void {
    const signal = this.signal(executionUid);
    if (!signal.aborted) this.byExecution.get(executionUid)!.abort(new Error(`execution ${executionUid} stopped`));
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
