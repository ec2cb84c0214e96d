/**
 * Dataset files are UTF-8: bytes that are not are refused with the line they are on, instead of becoming U+FFFD
 * silently (what Node's 'utf8' decoding does). A line break byte (0x0A) never occurs inside a multi-byte UTF-8
 * sequence, so each line can be checked on its own to find the bad one.
 */
import { isUtf8 } from 'node:buffer';
import { Transform } from 'node:stream';
import { MalformedFileError } from '../errors';

const NEWLINE = 0x0a;
const notUtf8 = (file: string, line: number) =>
  new MalformedFileError(file, line, 'not valid UTF-8 (save the file as UTF-8 text)');

/** The file's text without a byte order mark, or MalformedFileError naming the first line that is not UTF-8. */
export function decodeUtf8(file: string, bytes: Buffer): string {
  try {
    // fatal: throw instead of replacing; the default ignoreBOM: false drops a leading BOM.
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw notUtf8(file, firstBadLine(bytes, 1));
  }
}

/**
 * A stream that passes the file's bytes on unchanged (for csv-parse) and fails with MalformedFileError naming the
 * line of the first bytes that are not UTF-8.
 */
export function utf8Checked(file: string): Transform {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  // The chunks since the last line break (a line may span chunks) and the line they start on.
  let openLine: Buffer[] = [];
  let line = 1;
  const check = (chunk: Buffer, final: boolean) => {
    try {
      decoder.decode(chunk, { stream: !final });
    } catch {
      throw notUtf8(file, firstBadLine(Buffer.concat([...openLine, chunk]), line));
    }
    const lastBreak = chunk.lastIndexOf(NEWLINE);
    if (lastBreak < 0) {
      openLine.push(chunk);
      return;
    }
    line += countBreaks(chunk);
    openLine = [chunk.subarray(lastBreak + 1)];
  };
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      try {
        check(chunk, false);
        done(null, chunk);
      } catch (err) {
        done(err as Error);
      }
    },
    flush(done) {
      try {
        check(Buffer.alloc(0), true);
        done();
      } catch (err) {
        done(err as Error);
      }
    },
  });
}

/** The line (counting from `firstLine`) of the first bytes of `bytes` that are not UTF-8. */
function firstBadLine(bytes: Buffer, firstLine: number): number {
  let line = firstLine;
  for (let start = 0; start <= bytes.length; line++) {
    const end = bytes.indexOf(NEWLINE, start);
    const stop = end < 0 ? bytes.length : end;
    if (!isUtf8(bytes.subarray(start, stop))) return line;
    if (end < 0) break;
    start = end + 1;
  }
  // Only the end of the input was cut short (an incomplete sequence at the end of the file).
  return line;
}

function countBreaks(chunk: Buffer): number {
  let n = 0;
  for (let at = chunk.indexOf(NEWLINE); at >= 0; at = chunk.indexOf(NEWLINE, at + 1)) n++;
  return n;
}
