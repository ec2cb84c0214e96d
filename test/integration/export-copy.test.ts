/**
 * Exports as PostgreSQL writes them (COPY … TO STDOUT, db/export-copy.repository.ts), through the export service
 * into local files: CSV that Python's csv.reader and csv-parse read back exactly in every dialect (one-byte ones
 * written by PostgreSQL, the others row by row, with the same values), JSON datapoints with every field, and a
 * cancelled export that leaves no file and no connection stuck in a COPY.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertExport } from '../../src/db/export.repository';
import type { Judgeflow } from '../../src/sdk/Judgeflow';
import { writeExport } from '../../src/services/worker/write-export';
import { connectTestClient } from '../support/context';
import { csvDialects, formulaCases, valuesFor } from '../support/csv-cases';
import { seedScoredExecution, type SeededDatapoint } from '../support/export-seed';
import { readCsvsWithPandas, readCsvWithPython, type CsvReadOptions } from '../support/python-csv';

let jf: Judgeflow;
let dir: string;

beforeAll(async () => {
  jf = await connectTestClient();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'judgeflow-export-copy-'));
});

afterAll(async () => {
  await jf?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

type CsvOptions = CsvReadOptions & { formulaGuard: boolean };

/** Exports the execution to a new local file through the export service, as the export activity does. */
async function exportTo(
  benchmarkExecutionUid: number,
  format: 'json' | 'csv',
  options: Partial<CsvOptions> = {},
  progress: { signal: AbortSignal; heartbeat: (d: { bytesWritten: number }) => void; everyMs: number } = {
    signal: new AbortController().signal,
    heartbeat: () => {},
    everyMs: 1_000,
  },
): Promise<{ file: string; rowsWritten: number }> {
  const file = path.join(dir, `export-${Math.random().toString(36).slice(2)}.${format}`);
  const exportUid = await insertExport(jf.db, {
    benchmarkExecutionUid,
    destination: file,
    format,
    options,
    connectorConfigUid: null,
    overwrite: false,
  });
  const { rowsWritten } = await writeExport(jf, exportUid, progress);
  return { file, rowsWritten };
}

const WEIRD = 'weird "column", name\\';

describe.each(csvDialects)('CSV with sep=$sep quotechar=$quotechar escapechar=$escapechar', (options) => {
  const values = valuesFor(options);
  let text: string;

  beforeAll(async () => {
    const seeded = await seedScoredExecution(jf.db, {
      columns: ['value', WEIRD],
      datapoints: values.map((v, i) => ({
        xUid: `x${i}`,
        data: i === 0 ? { value: v } : { value: v, [WEIRD]: v },
        result: { score: 1, rationale: v },
      })),
    });
    const { file, rowsWritten } = await exportTo(seeded.benchmarkExecutionUid, 'csv', options);
    expect(rowsWritten).toBe(values.length);
    text = fs.readFileSync(file, 'utf8');
  });

  const expected = () => values.map((v, i) => [`x${i}`, 'dev', v, i === 0 ? '' : v, v]);
  const pick = (record: string[]) => [record[0], record[1], record[2], record[3], record[6]];

  it("reads back byte-identical with Python's csv.reader", () => {
    const [head, ...records] = readCsvWithPython(text, options);
    expect(head!.slice(0, 4)).toEqual(['x_uid', 'split', 'value', WEIRD]);
    expect(head![6]).toBe('judge.rationale');
    expect(records.map((r) => pick(r))).toEqual(expected());
  });

  it('reads back byte-identical with pandas', () => {
    const [head, ...records] = readCsvsWithPandas([{ text, options }])[0]!;
    expect(head!.slice(0, 4)).toEqual(['x_uid', 'split', 'value', WEIRD]);
    expect(records.map((r) => pick(r))).toEqual(expected());
  });

  it('reads back byte-identical with csv-parse, telling empty strings from missing values', () => {
    const records = parse(text, {
      delimiter: options.sep,
      quote: options.quotechar,
      escape: options.escapechar ?? options.quotechar,
      relax_quotes: false,
      from_line: 2,
      cast: (value, context) => (value === '' && !context.quoting ? null : value),
    }) as (string | null)[][];
    expect(records.map((r) => pick(r.map((v) => v ?? '')))).toEqual(expected());
    // A missing value is an empty unquoted field; an empty string is quoted.
    expect(records[0]![3]).toBeNull();
    expect(records.at(-1)![2]).toBe('');
  });
});

// Regression: cells a spreadsheet runs as formulas were written verbatim; with formulaGuard they are prefixed with '.
describe.each([csvDialects[0]!, csvDialects[5]!, csvDialects.at(-1)!])(
  'the formula guard with sep=$sep quotechar=$quotechar escapechar=$escapechar',
  (options) => {
    const cases = formulaCases(options);
    let uid: number;

    beforeAll(async () => {
      const seeded = await seedScoredExecution(jf.db, {
        columns: ['value', '=HYPERLINK("x")', 'number'],
        evaluatorName: '@judge',
        datapoints: cases.map(([v], i) => ({
          xUid: `x${i}`,
          data: { value: v, '=HYPERLINK("x")': v, number: -1 },
          // A score of -1 is a number, never guarded.
          result: { score: -1, rationale: v },
        })),
      });
      uid = seeded.benchmarkExecutionUid;
    });

    const cells = (records: string[][]) => records.map((r) => [r[2], r[3], r[4], r[6], r[7]]);

    it('prefixes header and text cells with a quote when asked, as Python and pandas read them', async () => {
      const { file } = await exportTo(uid, 'csv', { ...options, formulaGuard: true });
      const text = fs.readFileSync(file, 'utf8');
      for (const [head, ...records] of [
        readCsvWithPython(text, options),
        readCsvsWithPandas([{ text, options }])[0]!,
      ]) {
        expect(head!.slice(2, 7)).toEqual([
          'value',
          `'=HYPERLINK("x")`,
          'number',
          'ground_truth.quality',
          `'@judge.score`,
        ]);
        expect(cells(records)).toEqual(cases.map(([, guarded]) => [guarded, guarded, '-1', '-1', guarded]));
      }
    });

    it('writes every cell as it is without the guard', async () => {
      const { file } = await exportTo(uid, 'csv', options);
      const [head, ...records] = readCsvWithPython(fs.readFileSync(file, 'utf8'), options);
      expect(head!.slice(2, 7)).toEqual(['value', '=HYPERLINK("x")', 'number', 'ground_truth.quality', '@judge.score']);
      expect(cells(records)).toEqual(cases.map(([v]) => [v, v, '-1', '-1', v]));
    });
  },
);

/** The samples of a row judged three times, one unusable. */
const SAMPLES = [
  { score: 1, rationale: 'yes\r\nindeed' },
  { score: null, rationale: null, error: 'not "JSON", at all' },
  { score: 1, rationale: 'yes, ="x"' },
];

/** Every kind of stored result, ground truth and slice membership, and user values of every JSON type. */
const datapoints: SeededDatapoint[] = [
  {
    xUid: 'scored',
    data: { text: 'line\nbreak "quoted" \\ 日本語 🚀', number: 1.5, flag: true },
    truth: 1,
    result: {
      score: 1,
      rationale: 'yes\r\nindeed',
      promptTokens: 120,
      completionTokens: 7,
      costUsd: 0.000125,
      confidence: 2 / 3,
      expectedScore: 1,
      samples: SAMPLES,
    },
    slices: ['hard', 'long'],
  },
  {
    xUid: 'disagrees',
    data: { text: '', number: 10, nested: { a: [1, 'x'] } },
    truth: 1,
    result: {
      score: 0,
      rationale: 'no',
      promptTokens: 0,
      completionTokens: 0,
      costUsd: 0,
      cacheHit: true,
      // Scored by logprobs.
      confidence: 0.8,
      expectedScore: 0.2,
      distribution: { '0': 0.8, '1': 0.2 },
      entropy: 0.7219280948873623,
    },
    slices: ['hard'],
  },
  { xUid: 'failed', data: { text: null }, truth: 0, result: { score: null, error: 'the model refused' } },
  { xUid: 'not-run', split: 'test', data: {} },
];

describe('an export of every kind of result', () => {
  let uid: number;
  let evaluatorUid: number;

  beforeAll(async () => {
    const seeded = await seedScoredExecution(jf.db, {
      columns: ['text', 'number', 'flag', 'nested'],
      datapoints,
      slices: ['hard', 'long'],
    });
    uid = seeded.benchmarkExecutionUid;
    evaluatorUid = seeded.evaluatorUid;
  });

  it('JSON: every datapoint in dataset order, with its evaluation, agreement and slices', async () => {
    const { file, rowsWritten } = await exportTo(uid, 'json');
    expect(rowsWritten).toBe(4);
    const doc = JSON.parse(fs.readFileSync(file, 'utf8'));
    expect(doc.summary.datapoints).toBe(4);
    const evaluation = (fields: Record<string, unknown>) => ({ judge: { evaluator_uid: evaluatorUid, ...fields } });
    expect(doc.datapoints).toEqual([
      {
        x_uid: 'scored',
        split: 'dev',
        slices: ['hard', 'long'],
        evaluations: evaluation({
          score: 1,
          rationale: 'yes\r\nindeed',
          agreement: true,
          error: null,
          confidence: 2 / 3,
          expected_score: 1,
          samples: SAMPLES,
          distribution: null,
          entropy: null,
          prompt_tokens: 120,
          completion_tokens: 7,
          cost_usd: 0.000125,
          cache_hit: false,
        }),
      },
      {
        x_uid: 'disagrees',
        split: 'dev',
        slices: ['hard'],
        evaluations: evaluation({
          score: 0,
          rationale: 'no',
          agreement: false,
          error: null,
          confidence: 0.8,
          expected_score: 0.2,
          samples: null,
          distribution: { '0': 0.8, '1': 0.2 },
          entropy: 0.7219280948873623,
          prompt_tokens: 0,
          completion_tokens: 0,
          cost_usd: 0,
          cache_hit: true,
        }),
      },
      {
        x_uid: 'failed',
        split: 'dev',
        slices: [],
        evaluations: evaluation({
          score: null,
          rationale: null,
          agreement: null,
          error: 'the model refused',
          confidence: null,
          expected_score: null,
          samples: null,
          distribution: null,
          entropy: null,
          prompt_tokens: null,
          completion_tokens: null,
          cost_usd: null,
          cache_hit: false,
        }),
      },
      {
        x_uid: 'not-run',
        split: 'test',
        slices: [],
        evaluations: evaluation({
          score: null,
          rationale: null,
          agreement: null,
          error: null,
          confidence: null,
          expected_score: null,
          samples: null,
          distribution: null,
          entropy: null,
          prompt_tokens: null,
          completion_tokens: null,
          cost_usd: null,
          cache_hit: null,
        }),
      },
    ]);
  });

  // Read as Python reads them; the same cells whether PostgreSQL writes the file or it is written row by row.
  for (const options of [csvDialects[0]!, csvDialects.at(-1)!]) {
    it(`CSV (${JSON.stringify(options)}): user values as text or JSON text, evaluations, ground truth and slices`, async () => {
      const { file, rowsWritten } = await exportTo(uid, 'csv', options);
      expect(rowsWritten).toBe(4);
      const [head, ...records] = readCsvWithPython(fs.readFileSync(file, 'utf8'), options);
      const rows = records.map((r) => Object.fromEntries(head!.map((h, i) => [h, r[i]])));
      const nested = rows[1]!.nested!;
      expect(JSON.parse(nested)).toEqual({ a: [1, 'x'] });
      expect(rows).toEqual([
        {
          x_uid: 'scored',
          split: 'dev',
          text: 'line\nbreak "quoted" \\ 日本語 🚀',
          number: '1.5',
          flag: 'true',
          nested: '',
          'ground_truth.quality': '1',
          'judge.score': '1',
          'judge.rationale': 'yes\r\nindeed',
          'judge.agreement': 'true',
          'judge.error': '',
          'judge.confidence': String(2 / 3),
          'judge.expected_score': '1',
          'judge.samples': JSON.stringify(SAMPLES),
          'judge.distribution': '',
          'judge.entropy': '',
          'judge.prompt_tokens': '120',
          'judge.completion_tokens': '7',
          'judge.cost_usd': '0.000125',
          'judge.cache_hit': 'false',
          'slice.hard': 'true',
          'slice.long': 'true',
        },
        {
          x_uid: 'disagrees',
          split: 'dev',
          text: '',
          number: '10',
          flag: '',
          nested,
          'ground_truth.quality': '1',
          'judge.score': '0',
          'judge.rationale': 'no',
          'judge.agreement': 'false',
          'judge.error': '',
          'judge.confidence': '0.8',
          'judge.expected_score': '0.2',
          'judge.samples': '',
          'judge.distribution': '{"0":0.8,"1":0.2}',
          'judge.entropy': '0.7219280948873623',
          'judge.prompt_tokens': '0',
          'judge.completion_tokens': '0',
          'judge.cost_usd': '0',
          'judge.cache_hit': 'true',
          'slice.hard': 'true',
          'slice.long': 'false',
        },
        {
          x_uid: 'failed',
          split: 'dev',
          text: '',
          number: '',
          flag: '',
          nested: '',
          'ground_truth.quality': '0',
          'judge.score': '',
          'judge.rationale': '',
          'judge.agreement': '',
          'judge.error': 'the model refused',
          'judge.confidence': '',
          'judge.expected_score': '',
          'judge.samples': '',
          'judge.distribution': '',
          'judge.entropy': '',
          'judge.prompt_tokens': '',
          'judge.completion_tokens': '',
          'judge.cost_usd': '',
          'judge.cache_hit': 'false',
          'slice.hard': 'false',
          'slice.long': 'false',
        },
        {
          x_uid: 'not-run',
          split: 'test',
          text: '',
          number: '',
          flag: '',
          nested: '',
          'ground_truth.quality': '',
          'judge.score': '',
          'judge.rationale': '',
          'judge.agreement': '',
          'judge.error': '',
          'judge.confidence': '',
          'judge.expected_score': '',
          'judge.samples': '',
          'judge.distribution': '',
          'judge.entropy': '',
          'judge.prompt_tokens': '',
          'judge.completion_tokens': '',
          'judge.cost_usd': '',
          'judge.cache_hit': '',
          'slice.hard': 'false',
          'slice.long': 'false',
        },
      ]);
    });
  }
});

// Regression: the row-by-row writer (multi-byte dialects) reported 0 bytes written in every heartbeat.
describe('the heartbeat of an export', () => {
  it('reports every byte of the rows written, whichever writer writes them', async () => {
    const seeded = await seedScoredExecution(jf.db, {
      columns: ['text'],
      datapoints: Array.from({ length: 50 }, (_, i) => ({
        xUid: `x${i}`,
        data: { text: `value ${i} 日本語` },
        result: { score: 1, rationale: 'because' },
      })),
    });
    for (const [format, options] of [
      ['csv', csvDialects[0]!],
      ['csv', csvDialects.at(-1)!],
      ['json', {}],
    ] as const) {
      const beats: number[] = [];
      const { file } = await exportTo(seeded.benchmarkExecutionUid, format, options, {
        signal: new AbortController().signal,
        heartbeat: ({ bytesWritten }) => beats.push(bytesWritten),
        everyMs: 60_000,
      });
      const text = fs.readFileSync(file, 'utf8');
      // The rows: CSV after its header line; JSON from the first datapoint to the end of the array.
      const rows =
        format === 'csv'
          ? text.slice(text.indexOf('\n') + 1)
          : text.slice(text.indexOf('[\n') + 2, text.indexOf('],"summary"'));
      expect(beats.at(-1), `${format} ${JSON.stringify(options)}`).toBe(Buffer.byteLength(rows));
    }
  });
});

describe('a cancelled export', () => {
  it('leaves no file, and the connection of its COPY is not handed out again mid-COPY', async () => {
    const seeded = await seedScoredExecution(jf.db, {
      columns: ['text'],
      datapoints: Array.from({ length: 20_000 }, (_, i) => ({
        xUid: `x${i}`,
        data: { text: `value ${i} `.repeat(20) },
        result: { score: 1, rationale: 'r'.repeat(200) },
      })),
    });
    for (const format of ['json', 'csv'] as const) {
      const abort = new AbortController();
      const files = () => fs.readdirSync(dir).length;
      const before = files();
      // Cancelled at the first heartbeat after rows have been written: in the middle of the COPY.
      const running = exportTo(
        seeded.benchmarkExecutionUid,
        format,
        {},
        {
          signal: abort.signal,
          heartbeat: ({ bytesWritten }) => {
            if (bytesWritten > 0) abort.abort(new Error('export cancelled'));
          },
          everyMs: 1,
        },
      );
      await expect(running).rejects.toThrow(/export cancelled/);
      expect(files()).toBe(before);
      // Every pooled connection still answers queries.
      const n = jf.db.pool.totalCount;
      await Promise.all(Array.from({ length: n }, () => jf.db.query('SELECT 1')));
    }
    const { rowsWritten } = await exportTo(seeded.benchmarkExecutionUid, 'csv');
    expect(rowsWritten).toBe(20_000);
  });
});
