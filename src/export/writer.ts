/**
 * Streaming export writers: what comes before the rows, the rows as PostgreSQL wrote them (or, for CSV dialects it
 * cannot write, one row at a time), and what comes after — honouring backpressure throughout.
 */
import { once } from 'node:events';
import { pipeline, type Readable, type Writable } from 'node:stream';
import { stringify, type Options as StringifyOptions, type Stringifier } from 'csv-stringify';
import { stringify as stringifySync } from 'csv-stringify/sync';
import { guardFormula } from '../shared/formula-guard';
import type { CsvExportConfig } from './config';
import {
  csvColumns,
  csvValue,
  jsonHead,
  jsonSummary,
  type CsvColumn,
  type ExportHeader,
  type ExportRow,
  type ExportSummary,
} from './format';

/** Writes a chunk, waiting while the destination is full; rejects once it failed or was destroyed (cancelled). */
async function write(out: Writable, chunk: unknown): Promise<void> {
  // A destroyed stream takes writes without ever draining: waiting for 'drain' would hang.
  if (out.destroyed) throw closedError(out);
  if (out.write(chunk)) return;
  const listening = new AbortController();
  try {
    await Promise.race([
      once(out, 'drain', { signal: listening.signal }),
      once(out, 'close', { signal: listening.signal }).then(() => {
        throw closedError(out);
      }),
    ]);
  } finally {
    listening.abort();
  }
}

const closedError = (out: Writable) => out.errored ?? new Error('the export destination was closed');

async function endStream(out: Writable): Promise<void> {
  const finished = once(out, 'finish');
  out.end();
  await finished;
}

/** Passes `text` on into `out`, which stays open; `onChunk` sees each chunk as it goes. */
async function passOn(text: Readable, out: Writable, onChunk: (chunk: Buffer) => void): Promise<void> {
  for await (const chunk of text as AsyncIterable<Buffer>) {
    onChunk(chunk);
    await write(out, chunk);
  }
}

/** The JSON document, with `datapoints` streamed element by element and the summary last. */
export class JsonWriter {
  constructor(private readonly out: Writable) {}

  async begin(header: ExportHeader) {
    const head = JSON.stringify(jsonHead(header));
    await write(this.out, `${head.slice(0, -1)},"datapoints":[\n`);
  }

  /** Datapoints as `,{…}\n` lines (copyExportJsonElements) are the array's elements, once the first comma is gone. */
  async datapoints(elements: Readable, onChunk: (chunk: Buffer) => void) {
    let first = true;
    for await (const chunk of elements as AsyncIterable<Buffer>) {
      const bytes = first && chunk[0] === 0x2c ? chunk.subarray(1) : chunk;
      first = false;
      onChunk(bytes);
      await write(this.out, bytes);
    }
  }

  async end(summary: ExportSummary) {
    await write(this.out, `],"summary":${JSON.stringify(jsonSummary(summary))}}\n`);
    await endStream(this.out);
  }
}

/**
 * csv-stringify options for an export dialect: sep → delimiter, quotechar → quote, escapechar → escape (none: the
 * quote character, which csv-stringify then doubles, as RFC 4180 says); the formula guard casts every text cell.
 */
function stringifyOptions(config: CsvExportConfig, quoteText: boolean): StringifyOptions {
  return {
    delimiter: config.sep,
    quote: config.quotechar,
    escape: config.escapechar ?? config.quotechar,
    record_delimiter: 'unix',
    cast: {
      boolean: (v) => (v ? 'true' : 'false'),
      // Strings only: a number (a score of -1) is no formula. Header cells are strings too.
      ...(config.formulaGuard ? { string: guardFormula } : {}),
    },
    // Readers with Python's semantics (csv.reader with escapechar) treat the escape character as an escape in
    // unquoted fields too: fields holding it are quoted (csv-stringify then doubles it). A lone CR ends a record
    // for every reader (csv-stringify leaves it bare). Records quote text, as PostgreSQL writes it for other dialects.
    quoted_match: [...(config.escapechar === null ? [] : [config.escapechar]), '\r', /^$/],
    quoted_string: quoteText,
  };
}

/** The header line: column names, quoted only where needed. */
function csvHeader(config: CsvExportConfig, header: ExportHeader): string {
  return stringifySync([csvColumns(header).map((c) => c.name)], stringifyOptions(config, false));
}

/** CSV: the header line, then records as PostgreSQL wrote them (copyExportCsv), passed on as they are. */
export class CsvWriter {
  constructor(
    private readonly config: CsvExportConfig,
    private readonly out: Writable,
  ) {}

  async begin(header: ExportHeader) {
    await write(this.out, csvHeader(this.config, header));
  }

  async records(text: Readable, onChunk: (chunk: Buffer) => void) {
    await passOn(text, this.out, onChunk);
  }

  async end() {
    await endStream(this.out);
  }
}

/** CSV for dialects PostgreSQL cannot write (characters of more than one byte): one row at a time. */
export class CsvRowWriter {
  private readonly csv: Stringifier;
  private columns: CsvColumn[] = [];

  /** `onChunk` sees each chunk of records as it goes, as the COPY writers' does. */
  constructor(
    private readonly config: CsvExportConfig,
    private readonly out: Writable,
    onChunk: (chunk: Buffer) => void = () => {},
  ) {
    this.csv = stringify(stringifyOptions(config, true));
    // pipeline, not pipe: a destination that fails or is destroyed (cancellation) fails the stringifier too, so a
    // write waiting for 'drain' rejects instead of waiting forever.
    pipeline(this.csv, out, () => undefined);
    this.csv.on('data', onChunk);
  }

  async begin(header: ExportHeader) {
    this.columns = csvColumns(header);
    await write(this.out, csvHeader(this.config, header));
  }

  async row(row: ExportRow) {
    await write(
      this.csv,
      this.columns.map((c) => csvValue(c.source, row)),
    );
  }

  async end() {
    const finished = once(this.out, 'finish');
    this.csv.end();
    await finished;
  }
}
