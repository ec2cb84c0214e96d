/**
 * CSV written row by row (CsvRowWriter, for dialects PostgreSQL cannot write) reads back exactly with Python's
 * `csv.reader(f, delimiter=sep, quotechar=quotechar, escapechar=escapechar)` (what users of the reference SDK open
 * them with), with pandas configured the same way and with csv-parse, for the documented options, RFC 4180
 * (`escapechar: null`) and any user column content. The CSV PostgreSQL writes gets the same cases in
 * test/integration/export-copy.test.ts.
 */
import { PassThrough } from 'node:stream';
import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { CsvExportConfig } from '../../src/export/config';
import type { ExportHeader, ExportRow } from '../../src/export/format';
import { CsvRowWriter } from '../../src/export/writer';
import { csvDialects, valuesFor } from '../support/csv-cases';
import { readCsvsWithPandas, readCsvsWithPython } from '../support/python-csv';
import { exportHeader } from '../support/export-header';

const WEIRD = 'weird "column", name\\';
const header = exportHeader({ userColumns: ['value', WEIRD] });

async function render(config: CsvExportConfig, head: ExportHeader, rows: ExportRow[]): Promise<string> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  const writer = new CsvRowWriter(config, out);
  await writer.begin(head);
  for (const row of rows) await writer.row(row);
  await writer.end();
  return Buffer.concat(chunks).toString('utf8');
}

const row = (
  i: number,
  userColumns: Record<string, unknown>,
  evaluations: ExportRow['evaluations'] = new Map(),
): ExportRow => ({
  xUid: `x${i}`,
  split: 'dev',
  userColumns,
  groundTruth: new Map(),
  evaluations,
  slices: [],
});

function renderCsv(config: CsvExportConfig, values: string[]): Promise<string> {
  return render(
    config,
    header,
    values.map((v, i) => row(i, { value: v, [WEIRD]: i === 0 ? undefined : v })),
  );
}

/** What each reader read, by dialect. */
const read = { python: [] as string[][][], pandas: [] as string[][][] };
const written: string[] = [];

beforeAll(async () => {
  for (const options of csvDialects) written.push(await renderCsv(new CsvExportConfig(options), valuesFor(options)));
  // One Python process per reader for every text: starting Python and importing pandas take seconds.
  const texts = written.map((text, i) => ({ text, options: csvDialects[i]! }));
  read.python = readCsvsWithPython(texts);
  read.pandas = readCsvsWithPandas(texts);
}, 300_000);

describe.each(csvDialects.map((options, i) => ({ ...options, i })))(
  'CSV with sep=$sep quotechar=$quotechar escapechar=$escapechar',
  ({ i, ...options }) => {
    const values = valuesFor(options);
    const expected = [
      ['x_uid', 'split', 'value', WEIRD],
      ...values.map((v, j) => [`x${j}`, 'dev', v, j === 0 ? '' : v]),
    ];

    it("reads back byte-identical with Python's csv.reader and with pandas", () => {
      expect(read.python[i]).toEqual(expected);
      expect(read.pandas[i]).toEqual(expected);
    });

    it('reads back byte-identical with csv-parse, telling empty strings from missing values', () => {
      const records = parse(written[i]!, {
        delimiter: options.sep,
        quote: options.quotechar,
        escape: options.escapechar ?? options.quotechar,
        relax_quotes: false,
        info: true,
        cast: (value, context) => (value === '' && !context.quoting ? null : value),
      }) as unknown as { record: (string | null)[] }[];
      expect(records.map((r) => r.record.map((v) => v ?? ''))).toEqual(expected);
      // A missing value is an empty unquoted field; an empty string is quoted.
      expect(records[1]!.record[3]).toBeNull();
      expect(records.at(-1)!.record[2]).toBe('');
    });
  },
);

describe('RFC 4180 (escapechar null)', () => {
  it('doubles the quote character and writes no escape character', async () => {
    const text = await renderCsv(new CsvExportConfig({ escapechar: null }), ['say "hi"', 'back\\slash']);
    expect(text.split('\n').slice(1, 3)).toEqual([
      '"x0","dev","say ""hi""",',
      '"x1","dev","back\\slash","back\\slash"',
    ]);
  });
});
