/**
 * The admission path of an execution's rows: it decides when the next row may call the model. Deterministic
 * (workflow code). Its stages, in order: a pause (by a user, or by the execution's budget: SpendGate, below), then
 * the execution's adaptive concurrency: AIMD, as TCP does it — the window
 * halves when the provider rate-limits a call, once per episode: not again for calls that started before the last
 * decrease, nor before the row that caused it has waited as long as the provider asked (the smaller window needs
 * that long to show); episodes are counted, not timed, so no clock is read;
 * it grows by one row per window of successes, up to the requested concurrency.
 * The window counts model calls in flight: a row waiting out a rate limit gives its place back while it waits,
 * and gets in again before any new row does. The last stage, the model's rate limit shared by all workers
 * (JUDGEFLOW_MODELS rpm / tpm), needs PostgreSQL and so runs in the row activity right before the call
 * (activities/shared-rate-limit.ts); a row whose turn there is far away comes back as a deferral and waits here
 * without a place.
 */
import { condition } from '@temporalio/workflow';
import type { AdmissionState, Budget, ExecutionSpend, PauseState, RowSpend } from '../src/shared/execution-contract';

export const emptySpend = (): ExecutionSpend => ({
  tokens: 0,
  costUsd: 0,
  costUnknownRows: 0,
  cacheHits: 0,
  paidRows: 0,
});

/**
 * The budget stage: a row may start only when what was spent, plus what the rows in flight and this one are
 * expected to spend, stays within the budget. A row is expected to spend the mean of the rows that paid so far
 * (before any did: the plan's estimate of the first rows). Cache hits cost nothing.
 */
export class SpendGate {
  constructor(
    public budget: Budget,
    readonly spent: ExecutionSpend,
    private readonly firstEstimate: { tokens: number; costUsd: number | null },
  ) {}

  add(spend: RowSpend): void {
    this.spent.tokens += spend.tokens;
    if (spend.cacheHit) this.spent.cacheHits += 1;
    else this.spent.paidRows += 1;
    if (spend.costUsd === null) this.spent.costUnknownRows += 1;
    else this.spent.costUsd += spend.costUsd;
  }

  private get perRow(): { tokens: number; costUsd: number } {
    const paid = this.spent.paidRows;
    if (paid > 0) return { tokens: this.spent.tokens / paid, costUsd: this.spent.costUsd / paid };
    return { tokens: this.firstEstimate.tokens, costUsd: this.firstEstimate.costUsd ?? 0 };
  }

  /** Why the next row may not start with `inFlight` rows running, or undefined when it may. */
  blocked(inFlight: number): string | undefined {
    const rows = inFlight + 1;
    const { maxCostUsd, maxTokens } = this.budget;
    const perRow = this.perRow;
    if (maxCostUsd !== undefined && this.spent.costUsd + rows * perRow.costUsd > maxCostUsd)
      return (
        `budget: spent $${this.spent.costUsd.toFixed(4)} of $${maxCostUsd}; the next row ` +
        `(about $${perRow.costUsd.toFixed(4)}) would exceed it — raise the budget to go on`
      );
    if (maxTokens !== undefined && this.spent.tokens + rows * perRow.tokens > maxTokens)
      return (
        `budget: spent ${this.spent.tokens} of ${maxTokens} tokens; the next row (about ` +
        `${Math.round(perRow.tokens)} tokens) would exceed it — raise the budget to go on`
      );
    return undefined;
  }
}

export class RowAdmission {
  /** Set by the `pause` Update, cleared by `resume`. */
  pausedByUser = false;
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
    private maxRows: number,
    readonly spend: SpendGate,
    state?: AdmissionState,
  ) {
    this.limit = Math.min(maxRows, Math.max(1, state?.limit ?? maxRows));
    this.credit = state?.credit ?? 0;
  }

  get max(): number {
    return this.maxRows;
  }

  /** setConcurrency: the window's ceiling becomes `n` (it shrinks at once, grows back by successes). */
  setMax(n: number): void {
    this.maxRows = n;
    this.limit = Math.min(this.limit, n);
    if (this.limit < n && this.decreases === 0) this.limit = n;
    this.credit = 0;
  }

  /** Why rows are not being scheduled (a user's pause, or the budget), or undefined. */
  get paused(): PauseState | undefined {
    if (this.pausedByUser) return { by: 'user', reason: 'paused by a user — resume to go on' };
    const blocked = this.spend.blocked(this.inFlight);
    return blocked ? { by: 'budget', reason: blocked } : undefined;
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
  private async take(stopped: () => boolean, window: () => boolean): Promise<boolean> {
    // The stages in order: no pause (user or budget), then a place in the window.
    const free = () => this.paused === undefined && window();
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
