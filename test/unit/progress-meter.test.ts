/** The pace of watched work: rows since attaching over unpaused time since attaching; no ETA while paused. */
import { describe, expect, it } from 'vitest';
import { describeEta, describeRate, formatSeconds, ProgressMeter } from '../../src/cli/progress-meter';

/** A meter on a clock the test moves. */
function meterAt() {
  let now = 1_000_000;
  const meter = new ProgressMeter(() => now);
  return { meter, advance: (ms: number) => (now += ms) };
}

describe('ProgressMeter', () => {
  it('after re-attaching, counts only the rows done since (regression: all rows over the time since attaching)', () => {
    const { meter, advance } = meterAt();
    // Attached to an execution that had done 500 rows; 3 more in 10 s is 0.3 rows/s, not 503 / 10.
    expect(meter.observe({ done: 500, total: 1000 })).toEqual({ rowsPerSecond: null, etaSeconds: null });
    advance(10_000);
    const pace = meter.observe({ done: 503, total: 1000 });
    expect(pace.rowsPerSecond).toBeCloseTo(0.3);
    expect(pace.etaSeconds).toBe(Math.ceil(497 / 0.3));
    expect(describeRate(pace)).toBe('0.3');
  });

  it('while paused: no ETA, and the paused time does not count against the pace (regression: ETA NFs)', () => {
    const { meter, advance } = meterAt();
    meter.observe({ done: 0, total: 100 });
    advance(10_000);
    expect(meter.observe({ done: 20, total: 100 }).rowsPerSecond).toBe(2);
    for (let i = 0; i < 30; i++) {
      advance(10_000);
      const paused = meter.observe({ done: 20, total: 100, paused: 'budget reached' });
      expect(paused.etaSeconds).toBeNull();
      expect(describeEta(paused, 'budget reached')).toBe('paused: budget reached');
    }
    advance(5_000);
    // The 10 s before the pause and 5 s since the resume: 30 rows in 15 s.
    const resumed = meter.observe({ done: 30, total: 100 });
    expect(resumed.rowsPerSecond).toBe(2);
    expect(resumed.etaSeconds).toBe(35);
  });

  it('says "-" for a pace or an ETA it cannot know, never NaN or Infinity', () => {
    const { meter, advance } = meterAt();
    const first = meter.observe({ done: 0, total: 10 });
    expect([describeRate(first), describeEta(first, undefined)]).toEqual(['-', 'ETA -']);
    advance(0);
    const sameInstant = meter.observe({ done: 0, total: 10 });
    expect([describeRate(sameInstant), describeEta(sameInstant, undefined)]).toEqual(['-', 'ETA -']);
    advance(60_000);
    const stalled = meter.observe({ done: 0, total: 10 });
    expect([describeRate(stalled), describeEta(stalled, undefined)]).toEqual(['0.0', 'ETA -']);
    advance(1_000);
    expect(describeEta(meter.observe({ done: 10, total: 10 }), undefined)).toBe('ETA 0s');
  });
});

describe('formatSeconds', () => {
  it('seconds, minutes and seconds, hours and minutes', () => {
    expect([0, 45, 185, 7620, 86_400 * 3].map(formatSeconds)).toEqual(['0s', '45s', '3m05s', '2h07m', '72h00m']);
  });
});
