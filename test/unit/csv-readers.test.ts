/**
 * CSV written row by row (CsvRowWriter, for dialects PostgreSQL cannot write) reads back exactly with Python's
 * `csv.reader(f, delimiter=sep, quotechar=quotechar, escapechar=escapechar)` (what users of the reference SDK open
 * them with), with pandas configured the same way and with csv-parse, for the documented options, RFC 4180
 * (`escapechar: null`) and any user column content; with the formula guard, cells a spreadsheet would run come back
 * prefixed with `'`. The CSV PostgreSQL writes gets the same cases in test/integration/export-copy.test.ts.
 */
import { PassThrough } from 'node:stream';
import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { CsvExportConfig } from '../../src/export/config';
import type { ExportHeader, ExportRow } from '../../src/export/format';
import { CsvRowWriter } from '../../src/export/writer';
import { csvDialects, formulaCases, valuesFor } from '../support/csv-cases';
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

const guardHeader = exportHeader({
  userColumns: ['value', '=HYPERLINK("x")', '-1'],
  evaluators: [{ evaluatorUid: 9, key: '@judge', name: '@judge', criteriaUid: 7, criteriaName: 'c', executions: [] }],
});

// A score of -1 is a number, never guarded.
const evaluation = {
  score: -1,
  rationale: '',
  error: null,
  agreement: null,
  confidence: null,
  expectedScore: null,
  samples: null,
  distribution: null,
  entropy: null,
  promptTokens: 3,
  completionTokens: 1,
  costUsd: null,
  cacheHit: false,
};

/** Formula cases in user columns and rationales, beside numbers; header cells from user columns and an evaluator key. */
function renderFormulas(config: CsvExportConfig): Promise<string> {
  const rows = formulaCases(config).map(([v], i) =>
    row(i, { value: v, '=HYPERLINK("x")': -1, '-1': v }, new Map([[9, { ...evaluation, rationale: v }]])),
  );
  return render(config, guardHeader, rows);
}

/** What each reader read, by dialect: every value, and formula cases with and without the guard. */
type Read = { values: string[][]; guarded: string[][]; unguarded: string[][] };
const read = { python: [] as Read[], pandas: [] as Read[] };
const written: { values: string; guarded: string; unguarded: string }[] = [];

beforeAll(async () => {
  for (const options of csvDialects) {
    written.push({
      values: await renderCsv(new CsvExportConfig(options), valuesFor(options)),
      guarded: await renderFormulas(new CsvExportConfig({ ...options, formulaGuard: true })),
      unguarded: await renderFormulas(new CsvExportConfig(options)),
    });
  }
  // One Python process per reader for every text: starting Python and importing pandas take seconds.
  const texts = written.flatMap((w, i) =>
    [w.values, w.guarded, w.unguarded].map((text) => ({ text, options: csvDialects[i]! })),
  );
  for (const [reader, readAll] of [
    ['python', readCsvsWithPython],
    ['pandas', readCsvsWithPandas],
  ] as const) {
    const all = readAll(texts);
    read[reader] = csvDialects.map((_, i) => ({
      values: all[3 * i]!,
      guarded: all[3 * i + 1]!,
      unguarded: all[3 * i + 2]!,
    }));
  }
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
      expect(read.python[i]!.values).toEqual(expected);
      expect(read.pandas[i]!.values).toEqual(expected);
    });

    it('reads back byte-identical with csv-parse, telling empty strings from missing values', () => {
      const records = parse(written[i]!.values, {
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

    const cases = formulaCases(options);
    const cells = (records: string[][]) => records.map((r) => [r[2], r[3], r[4], r[5], r[6]]);

    it('with the formula guard, prefixes header and text cells a spreadsheet would run with a quote; numbers stay', () => {
      for (const reader of [read.python, read.pandas]) {
        const [names, ...records] = reader[i]!.guarded;
        expect(names!.slice(2, 6)).toEqual(['value', `'=HYPERLINK("x")`, '-1', `'@judge.score`]);
        expect(cells(records)).toEqual(cases.map(([, guarded]) => [guarded, '-1', guarded, '-1', guarded]));
      }
    });

    it('without the formula guard, writes every cell as it is', () => {
      const [names, ...records] = read.python[i]!.unguarded;
      expect(names!.slice(2, 6)).toEqual(['value', '=HYPERLINK("x")', '-1', '@judge.score']);
      expect(cells(records)).toEqual(cases.map(([v]) => [v, '-1', v, '-1', v]));
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
