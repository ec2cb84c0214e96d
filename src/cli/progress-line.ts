/**
 * The live progress line of a terminal, fitted to its width: a line wider than the terminal wraps, and the next
 * redraw (which returns to the start of the line) leaves the wrapped part behind as garbage. The bar takes what the
 * text leaves, up to its usual 40 columns; on a narrow terminal the bar goes first, then the text is cut with "…".
 */

const BAR_MAX = 40;
/** A bar narrower than this says too little to be worth its columns. */
const BAR_MIN = 10;
const COMPLETE = '\u2588';
const INCOMPLETE = '\u2591';

/**
 * `progress` (0 to 1) as a bar, then `segments` joined by " | ", in at most `columns - 1` characters (writing into
 * the last column makes some terminals wrap at once).
 */
export function fitProgressLine(progress: number, segments: string[], columns: number): string {
  const width = Math.max(1, Math.floor(columns) - 1);
  const text = segments.join(' | ');
  const barSize = Math.min(BAR_MAX, width - text.length - 1);
  if (barSize >= BAR_MIN) return `${bar(progress, barSize)} ${text}`;
  return text.length <= width ? text : `${text.slice(0, width - 1)}…`;
}

function bar(progress: number, size: number): string {
  const share = Number.isFinite(progress) ? Math.min(1, Math.max(0, progress)) : 0;
  const complete = Math.round(share * size);
  return COMPLETE.repeat(complete) + INCOMPLETE.repeat(size - complete);
}
