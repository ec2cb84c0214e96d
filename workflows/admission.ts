/**
 * The admission path of an execution's rows: it decides when the next row may call the model. Deterministic
 * (workflow code). The stage here is the execution's adaptive concurrency: AIMD, as TCP does it — the window
 * halves when the provider rate-limits a call that started after the last decrease (one decrease per episode, not
 * one per 429 of the same burst) and grows by one row per window of successes, up to the requested concurrency.
 * Rows waiting out a rate limit keep their place in the window, so a halved window admits nothing new until
 * enough rows have finished. Execution budgets and the provider limit shared by all workers are stages of this
 * same path, checked before the window.
 */
import { condition } from '@temporalio/workflow';
import type { AdmissionState } from '../src/shared/execution-contract';

export class RowAdmission {
  private limit: number;
  private credit: number;
  private inFlight = 0;
  /** Workflow time of the last decrease: a 429 of a call started before it belongs to the same episode. */
  private lastDecreaseAt = Number.NEGATIVE_INFINITY;

  constructor(
    readonly max: number,
    state?: AdmissionState,
  ) {
    this.limit = Math.min(max, Math.max(1, state?.limit ?? max));
    this.credit = state?.credit ?? 0;
  }

  /** Waits until a row may start and takes its place; false (and no place) once `stopped()` says so. */
  async admit(stopped: () => boolean): Promise<boolean> {
    await condition(() => stopped() || this.inFlight < this.limit);
    if (stopped()) return false;
    this.inFlight += 1;
    return true;
  }

  /** A row finished (scored, errored or cancelled): its place is free. */
  release(): void {
    this.inFlight -= 1;
  }

  /** Waits until every admitted row has been released. */
  async drained(): Promise<void> {
    await condition(() => this.inFlight === 0);
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

  /** A call that started at `callStartedAt` (workflow time) was rate-limited: multiplicative decrease. */
  onRateLimited(callStartedAt: number, now: number): void {
    if (callStartedAt < this.lastDecreaseAt) return;
    this.limit = Math.max(1, Math.floor(this.limit / 2));
    this.credit = 0;
    this.lastDecreaseAt = now;
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
