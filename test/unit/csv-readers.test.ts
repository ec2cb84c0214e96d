/**
 * CSV written row by row (CsvRowWriter, for dialects PostgreSQL cannot write) reads back exactly with Python's
 * `csv.reader(f, delimiter=sep, quotechar=quotechar, escapechar=escapechar)` (what users of the reference SDK open
 * them with) and with csv-parse, for the documented options and any user column content. The CSV PostgreSQL writes
 * gets the same cases in test/integration/export-copy.test.ts.
 */
import { PassThrough } from 'node:stream';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { CsvExportConfig } from '../../src/export/config';
import type { ExportRow } from '../../src/export/format';
import { CsvRowWriter } from '../../src/export/writer';
import { csvDialects, valuesFor } from '../support/csv-cases';
import { readCsvWithPython } from '../support/python-csv';
import { exportHeader } from '../support/export-header';

const header = exportHeader({ userColumns: ['value', 'weird "column", name\\'] });

async function renderCsv(config: CsvExportConfig, values: string[]): Promise<string> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  const writer = new CsvRowWriter(config, out);
  await writer.begin(header);
  for (const [i, v] of values.entries()) {
    const row: ExportRow = {
      xUid: `x${i}`,
      split: 'dev',
      userColumns: { value: v, 'weird "column", name\\': i === 0 ? undefined : v },
      groundTruth: new Map(),
      evaluations: new Map(),
      slices: [],
    };
    await writer.row(row);
  }
  await writer.end();
  return Buffer.concat(chunks).toString('utf8');
}

describe.each(csvDialects)('CSV with sep=$sep quotechar=$quotechar escapechar=$escapechar', (options) => {
  const values = valuesFor(options);
  const expected = [
    ['x_uid', 'split', 'value', 'weird "column", name\\'],
    ...values.map((v, i) => [`x${i}`, 'dev', v, i === 0 ? '' : v]),
  ];

  it("reads back byte-identical with Python's csv.reader", async () => {
    const text = await renderCsv(new CsvExportConfig(options), values);
    expect(readCsvWithPython(text, options)).toEqual(expected);
  });

  it('reads back byte-identical with csv-parse, telling empty strings from missing values', async () => {
    const text = await renderCsv(new CsvExportConfig(options), values);
    const records = parse(text, {
      delimiter: options.sep,
      quote: options.quotechar,
      escape: options.escapechar,
      relax_quotes: false,
      info: true,
      cast: (value, context) => (value === '' && !context.quoting ? null : value),
    }) as unknown as { record: (string | null)[] }[];
    expect(records.map((r) => r.record.map((v) => v ?? ''))).toEqual(expected);
    // A missing value is an empty unquoted field; an empty string is quoted.
    expect(records[1]!.record[3]).toBeNull();
    expect(records.at(-1)!.record[2]).toBe('');
  });
});
