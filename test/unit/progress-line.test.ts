/** The live progress line fits the terminal: the bar takes what the text leaves, and the text is cut last. */
import { describe, expect, it } from 'vitest';
import { fitProgressLine } from '../../src/cli/progress-line';

const segments = ['12/30 rows', '0 errors', '2.5 rows/s', 'ETA 8s', 'window 4/4', '0 rate-limited', '960 tokens'];
const text = segments.join(' | ');

describe('fitProgressLine', () => {
  it('a wide terminal gets the whole 40-column bar and the text', () => {
    const line = fitProgressLine(0.4, segments, 200);
    expect(line).toBe(`${'█'.repeat(16)}${'░'.repeat(24)} ${text}`);
  });

  it('never reaches the last column of the terminal, whatever its width (regression: it wrapped)', () => {
    for (const columns of [20, 40, 60, 80, 100, 120, 140]) {
      const line = fitProgressLine(0.5, segments, columns);
      expect(line.length, `${columns} columns`).toBeLessThan(columns);
    }
  });

  it('shrinks the bar before it cuts the text, then cuts the text with …', () => {
    expect(fitProgressLine(1, segments, text.length + 22)).toBe(`${'█'.repeat(20)} ${text}`);
    expect(fitProgressLine(1, segments, text.length + 5)).toBe(text);
    expect(fitProgressLine(1, segments, 30)).toBe(`${text.slice(0, 28)}…`);
  });

  it('draws an empty bar for a progress that is not a number', () => {
    expect(fitProgressLine(Number.NaN, ['x'], 20)).toBe(`${'░'.repeat(17)} x`);
  });
});
