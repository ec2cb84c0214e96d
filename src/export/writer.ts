/** Streaming export writers: one datapoint at a time into a Writable, honouring backpressure. */
import { once } from 'node:events';
import { pipeline, type Writable } from 'node:stream';
import { stringify, type Stringifier } from 'csv-stringify';
import type { CsvExportConfig, ExportConfig } from './config';
import {
  csvColumns,
  jsonDatapoint,
  jsonHead,
  jsonSummary,
  type CsvColumn,
  type ExportHeader,
  type ExportRow,
  type ExportSummary,
} from './format';

export interface ExportWriter {
  begin(header: ExportHeader): Promise<void>;
  row(row: ExportRow): Promise<void>;
  /** Writes what comes after the rows, ends the stream and waits until it is flushed. */
  end(summary: ExportSummary): Promise<void>;
}

export function createExportWriter(config: ExportConfig, out: Writable): ExportWriter {
  return config.format === 'csv' ? new CsvWriter(config, out) : new JsonWriter(out);
}

async function write(out: Writable, chunk: unknown): Promise<void> {
  if (!out.write(chunk)) await once(out, 'drain');
}

async function endStream(out: Writable): Promise<void> {
  const finished = once(out, 'finish');
  out.end();
  await finished;
}

/** The JSON document, with `datapoints` streamed element by element and the summary last. */
class JsonWriter implements ExportWriter {
  private header?: ExportHeader;
  private first = true;

  constructor(private readonly out: Writable) {}

  async begin(header: ExportHeader) {
    this.header = header;
    const head = JSON.stringify(jsonHead(header));
    await write(this.out, `${head.slice(0, -1)},"datapoints":[`);
  }

  async row(row: ExportRow) {
    await write(this.out, (this.first ? '\n' : ',\n') + JSON.stringify(jsonDatapoint(this.header!, row)));
    this.first = false;
  }

  async end(summary: ExportSummary) {
    await write(this.out, `\n],"summary":${JSON.stringify(jsonSummary(summary))}}\n`);
    await endStream(this.out);
  }
}

/** CSV through csv-stringify: sep → delimiter, quotechar → quote, escapechar → escape. */
class CsvWriter implements ExportWriter {
  private readonly csv: Stringifier;
  private columns: CsvColumn[] = [];

  constructor(
    config: CsvExportConfig,
    private readonly out: Writable,
  ) {
    this.csv = stringify({
      delimiter: config.sep,
      quote: config.quotechar,
      escape: config.escapechar,
      record_delimiter: 'unix',
      cast: { boolean: (v) => (v ? 'true' : 'false') },
      // Readers with Python's semantics (csv.reader with escapechar) treat the escape character as an escape in
      // unquoted fields too: fields holding it are quoted (csv-stringify then doubles it). A lone CR ends a record
      // for every reader (csv-stringify leaves it bare). Empty strings are quoted so they differ from missing values.
      quoted_match: [config.escapechar, '\r', /^$/],
    });
    // pipeline, not pipe: a destination that fails or is destroyed (cancellation) fails the stringifier too, so a
    // write waiting for 'drain' rejects instead of waiting forever.
    pipeline(this.csv, out, () => undefined);
  }

  async begin(header: ExportHeader) {
    this.columns = csvColumns(header);
    await write(
      this.csv,
      this.columns.map((c) => c.name),
    );
  }

  async row(row: ExportRow) {
    await write(
      this.csv,
      this.columns.map((c) => c.value(row)),
    );
  }

  async end() {
    const finished = once(this.out, 'finish');
    this.csv.end();
    await finished;
  }
}
