import { describe, expect, it } from 'vitest';
import { fields, shorten, table } from '../../src/cli/common';
import { terminalCell, terminalText } from '../../src/cli/terminal-text';

/** An OSC 8 hyperlink, a screen clear, a carriage return, a bell, a backspace, DEL and a C1 CSI. */
const HOSTILE = 'a\x1b]8;;http://evil\x07link\x1b]8;;\x07 \x1b[2J\rb\x08\x7f\u009b31m';
// eslint-disable-next-line no-control-regex -- what the output must not hold
const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;
// eslint-disable-next-line no-control-regex -- what a cell must not hold
const ANY_CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

describe('terminal text', () => {
  it('shows every C0, DEL and C1 control character as a visible stand-in', () => {
    expect(terminalText(HOSTILE)).toBe('a␛]8;;http://evil␇link␛]8;;␇ ␛[2J␍b␈␡\\x9b31m');
    for (let code = 0; code <= 0x9f; code++) {
      if (code >= 0x20 && code < 0x7f) continue;
      expect(terminalCell(String.fromCodePoint(code)), `U+${code.toString(16)}`).not.toMatch(ANY_CONTROL);
    }
  });

  it('keeps the lines of a whole output, and makes a cell one line', () => {
    expect(terminalText('one\ntwo\r\n')).toBe('one\ntwo␍\n');
    expect(terminalCell('one\ntwo\r\nthree\tfour')).toBe('one⏎two⏎three⇥four');
  });

  it('leaves printable text alone, any script', () => {
    const text = 'Grüße, 你好, مرحبا, emoji 🙂 — “quotes” …';
    expect(terminalCell(text)).toBe(text);
  });
});

describe('tables and fields', () => {
  it('a cell with line breaks and escapes stays one row of the table', () => {
    const printed = table(
      ['x_uid', 'rationale'],
      [
        ['dp-1', `first line\nsecond line ${HOSTILE}`],
        ['dp-2', 'fine'],
      ],
    );
    const lines = printed.split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[1]).toContain('first line⏎second line a␛]8;;http://evil␇');
    expect(printed).not.toMatch(CONTROL);
  });

  it('escapes column headings and field values too', () => {
    expect(table([`col\x1b[2J\nname`], [['v']]).split('\n')).toEqual(['col␛[2J⏎name', 'v']);
    expect(fields([['name', `bench\r\n\x1b]0;title\x07`]])).toBe('name: bench⏎␛]0;title␇');
  });

  it('shorten makes long and short text alike one line', () => {
    expect(shorten('a\nb')).toBe('a b');
    expect(shorten(`${'x'.repeat(80)}\n${'y'.repeat(10)}`, 85)).toBe(`${'x'.repeat(80)} yyy…`);
  });
});
