/**
 * Text from the database (datapoints, rationales, column, benchmark and evaluator names, error messages) made safe
 * to print on a terminal: every control character is shown as a visible stand-in instead of being sent, so data
 * cannot move the cursor, clear the screen, set the window title, print a hidden OSC 8 link, or fake a table row.
 *
 * Not `strip-ansi`: it removes well-formed ANSI escape sequences only, so a lone ESC, BEL, CR, backspace or a C1
 * control (U+009B is a one-character CSI to some terminals) still reaches the terminal, and what was there is
 * silently gone. Escaping the whole C0 range, DEL and the C1 range covers all of them and shows what the data held.
 * `--json` output does not pass through here (JSON.stringify already escapes C0; scripts read it, not terminals).
 */

/* eslint-disable no-control-regex -- matching control characters is the point of this module */
/** C0 controls (U+0000–U+001F), DEL (U+007F) and C1 controls (U+0080–U+009F); CRLF counts as one line break. */
const CONTROLS = /\r\n|[\u0000-\u001f\u007f-\u009f]/g;
/** The same, less the line feed that separates the lines of a command's own output (a CR before it is shown). */
const CONTROLS_BUT_NEWLINE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/g;
/* eslint-enable no-control-regex */

/** A visible stand-in: ⏎ and ⇥ for line breaks and tabs, Unicode's control pictures (␛ ␇ ␍ …) for the rest of C0. */
function standIn(c: string): string {
  if (c === '\n' || c === '\r\n') return '⏎';
  if (c === '\t') return '⇥';
  const code = c.codePointAt(0)!;
  if (code < 0x20) return String.fromCodePoint(0x2400 + code);
  if (code === 0x7f) return '␡';
  return `\\x${code.toString(16)}`;
}

/** One table cell or field value: every control character escaped, line breaks and tabs included (one line). */
export function terminalCell(text: string): string {
  return text.replace(CONTROLS, standIn);
}

/** A command's whole human output (or a note, or an error line): control characters escaped, its lines kept. */
export function terminalText(text: string): string {
  return text.replace(CONTROLS_BUT_NEWLINE, standIn);
}
