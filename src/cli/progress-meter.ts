/**
 * The pace of watched work: rows per second and the time left. Measured from what was seen while watching, so a
 * re-attached watch counts the rows done since it attached, not every row the execution had done before; time
 * spent paused is not counted (a pause says nothing about the pace). The time left is unknown (null), never NaN
 * or Infinity, until a row has been done, and while paused.
 */

export interface Pace {
  /** Rows done per second of unpaused watching; null before there is a second interval to measure. */
  rowsPerSecond: number | null;
  /** Seconds left at that pace; null when unknown (no rows done yet) or paused. */
  etaSeconds: number | null;
}

export class ProgressMeter {
  #startDone: number | undefined;
  #activeMs = 0;
  #lastAt: number | undefined;

  constructor(private readonly now: () => number = Date.now) {}

  /** Takes one look at the work and says its pace so far. */
  observe(s: { done: number; total: number; paused?: string }): Pace {
    const at = this.now();
    const paused = s.paused !== undefined;
    // The time since the last look counts when the work is running now: rows done in it were done in it.
    if (this.#lastAt !== undefined && !paused) this.#activeMs += Math.max(0, at - this.#lastAt);
    this.#lastAt = at;
    this.#startDone ??= s.done;
    const rowsPerSecond = this.#activeMs > 0 ? Math.max(0, s.done - this.#startDone) / (this.#activeMs / 1000) : null;
    const remaining = Math.max(0, s.total - s.done);
    let etaSeconds: number | null = null;
    if (!paused && remaining === 0) etaSeconds = 0;
    else if (!paused && rowsPerSecond) etaSeconds = Math.ceil(remaining / rowsPerSecond);
    return { rowsPerSecond, etaSeconds };
  }
}

/** `45s`, `3m05s`, `2h07m`. */
export function formatSeconds(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/** The ETA part of a progress line: `ETA 3m05s`, `ETA -` when unknown, or `paused: <why>` instead while paused. */
export function describeEta(pace: Pace, paused: string | undefined): string {
  if (paused !== undefined) return `paused: ${paused}`;
  return `ETA ${pace.etaSeconds === null ? '-' : formatSeconds(pace.etaSeconds)}`;
}

/** `2.5`, or `-` before the pace is known. */
export const describeRate = (pace: Pace): string => (pace.rowsPerSecond === null ? '-' : pace.rowsPerSecond.toFixed(1));
