/**
 * The admission path of an execution's rows: it decides when the next row may call the model. Deterministic
 * (workflow code). The stage here is the execution's adaptive concurrency: AIMD, as TCP does it — the window
 * halves when the provider rate-limits a call, once per episode: not again for calls that started before the last
 * decrease, nor before the row that caused it has waited as long as the provider asked (the smaller window needs
 * that long to show); episodes are counted, not timed, so no clock is read;
 * it grows by one row per window of successes, up to the requested concurrency.
 * The window counts model calls in flight: a row waiting out a rate limit gives its place back while it waits,
 * and gets in again before any new row does. Execution budgets and the provider limit shared by all workers are
 * stages of this same path, checked before the window.
 */
import { condition } from '@temporalio/workflow';
import type { AdmissionState } from '../src/shared/execution-contract';

export class RowAdmission {
  private limit: number;
  private credit: number;
  private inFlight = 0;
  /** Rows back from a rate-limit wait, waiting for a place: they go before new rows. */
  private returning = 0;
  /** Decreases so far: a call that started in an earlier episode cannot cause another one. */
  private decreases = 0;
  /** The row that caused the last decrease is still waiting out its rate limit. */
  private cooling = false;

  constructor(
    readonly max: number,
    state?: AdmissionState,
  ) {
    this.limit = Math.min(max, Math.max(1, state?.limit ?? max));
    this.credit = state?.credit ?? 0;
  }

  /** Waits until a new row may start and takes its place; false (and no place) once `stopped()` says so. */
  admit(stopped: () => boolean): Promise<boolean> {
    return this.take(stopped, () => this.returning === 0 && this.inFlight < this.limit);
  }

  /** Like admit, for a row retrying after a rate-limit wait: it goes before new rows. */
  async readmit(stopped: () => boolean): Promise<boolean> {
    this.returning += 1;
    try {
      return await this.take(stopped, () => this.inFlight < this.limit);
    } finally {
      this.returning -= 1;
    }
  }

  /**
   * Takes a place once `free()` holds. Several waiters can be woken by the same activation: each checks again
   * when its turn comes, so only as many as there are places get in.
   */
  private async take(stopped: () => boolean, free: () => boolean): Promise<boolean> {
    for (;;) {
      await condition(() => stopped() || free());
      if (stopped()) return false;
      if (free()) {
        this.inFlight += 1;
        return true;
      }
    }
  }

  /** A row's call ended (scored, errored, cancelled, or waiting out a rate limit): its place is free. */
  release(): void {
    this.inFlight -= 1;
  }

  /** A call the provider answered: additive increase, one more row per window of successes. */
  onSuccess(): void {
    if (this.limit >= this.max) return;
    this.credit += 1;
    if (this.credit >= this.limit) {
      this.limit += 1;
      this.credit = 0;
    }
  }

  /** The episode a call starts in; pass it to onRateLimited if the call is rate-limited. */
  get episode(): number {
    return this.decreases;
  }

  /**
   * A call that started in `callEpisode` was rate-limited: multiplicative decrease, unless this 429 belongs to the
   * episode of the last decrease. True when it decreased: the caller ends the episode after its wait (endEpisode).
   */
  onRateLimited(callEpisode: number): boolean {
    if (callEpisode !== this.decreases || this.cooling) return false;
    this.limit = Math.max(1, Math.floor(this.limit / 2));
    this.credit = 0;
    this.decreases += 1;
    this.cooling = true;
    return true;
  }

  /** The row that caused the last decrease has waited as long as the provider asked. */
  endEpisode(): void {
    this.cooling = false;
  }

  get effective(): number {
    return this.limit;
  }

  get admitted(): number {
    return this.inFlight;
  }

  /** What continue-as-new carries over, so a new run does not start at full speed into a rate limit. */
  get state(): AdmissionState {
    return { limit: this.limit, credit: this.credit };
  }
}
