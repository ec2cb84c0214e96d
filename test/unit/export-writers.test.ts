import { PassThrough } from 'node:stream';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { CsvExportConfig, JsonExportConfig } from '../../src/export/config';
import { InvalidCsvOptionError } from '../../src/export/errors';
import { csvColumns, evaluatorKeys, type ExportRow } from '../../src/export/format';
import { createExportWriter } from '../../src/export/writer';
import { exportHeader } from '../support/export-header';

const header = exportHeader({
  userColumns: ['response', 'slices', 'judge.score'],
  criteria: [{ criteriaUid: 7, name: 'helpfulness', description: '', requiresRationale: true, labels: [] }],
  evaluators: [
    { evaluatorUid: 9, key: 'judge', name: 'judge', criteriaUid: 7, criteriaName: 'helpfulness', executions: [] },
  ],
  slices: [{ sliceUid: 4, name: 'hard', description: '' }],
});

const values = [
  'plain',
  'sep,and;semi',
  'say "hi"',
  "it's",
  'back\\slash',
  'both \\" and /\'',
  'slash/',
  'new\nline',
  'crlf\r\nend',
  '日本語 🚀 שלום',
  ' padded ',
  '',
];

const rows: ExportRow[] = values.map((v, i) => ({
  xUid: `x${i}`,
  split: 'dev',
  userColumns: { response: v, slices: `user value ${i}`, 'judge.score': 'collides' },
  groundTruth: new Map(i % 3 === 0 ? [] : [[7, i % 2]]),
  evaluations: new Map(
    i === 1
      ? []
      : [
          [
            9,
            {
              score: i % 2,
              rationale: v,
              error: null,
              agreement: i % 3 === 0 ? null : true,
              promptTokens: 100 + i,
              completionTokens: 20,
              costUsd: i % 4 === 0 ? null : 0.0001 * i,
              cacheHit: i === 2,
            },
          ],
        ],
  ),
  slices: i % 2 ? ['hard'] : [],
}));

async function render(config: CsvExportConfig | JsonExportConfig): Promise<string> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  const writer = createExportWriter(config, out);
  await writer.begin(header);
  for (const r of rows) await writer.row(r);
  await writer.end({ datapoints: rows.length, evaluators: [] });
  return Buffer.concat(chunks).toString('utf8');
}

describe('CSV export', () => {
  it('pins the column naming: fixed, user (renamed on collision), ground truth, evaluators, slices', () => {
    expect(csvColumns(header).map((c) => c.name)).toEqual([
      'x_uid',
      'split',
      'response',
      'slices',
      'user.judge.score',
      'ground_truth.helpfulness',
      'judge.score',
      'judge.rationale',
      'judge.agreement',
      'judge.error',
      'judge.prompt_tokens',
      'judge.completion_tokens',
      'judge.cost_usd',
      'judge.cache_hit',
      'slice.hard',
    ]);
  });

  for (const options of [
    {},
    { sep: ';', quotechar: "'", escapechar: '/' },
    { sep: '\t', quotechar: '|', escapechar: '^' },
  ]) {
    it(`round-trips every value through csv-parse with ${JSON.stringify(options)}`, async () => {
      const config = new CsvExportConfig(options);
      const text = await render(config);
      const records: string[][] = parse(text, {
        delimiter: config.sep,
        quote: config.quotechar,
        escape: config.escapechar,
      });
      expect(records[0]?.[0]).toBe('x_uid');
      const data = records.slice(1);
      expect(data).toHaveLength(values.length);
      data.forEach((rec, i) => {
        expect(rec[2]).toBe(values[i]); // response
        expect(rec[7]).toBe(i === 1 ? '' : values[i]); // judge.rationale
        expect(rec[6]).toBe(i === 1 ? '' : String(i % 2)); // judge.score, empty when not run
        expect(rec[5]).toBe(i % 3 === 0 ? '' : String(i % 2)); // ground truth, empty when missing
        expect(rec[8]).toBe(i === 1 || i % 3 === 0 ? '' : 'true');
        expect(rec[10]).toBe(i === 1 ? '' : String(100 + i)); // judge.prompt_tokens
        expect(rec[11]).toBe(i === 1 ? '' : '20'); // judge.completion_tokens
        expect(rec[12]).toBe(i === 1 || i % 4 === 0 ? '' : String(0.0001 * i)); // judge.cost_usd, empty when unknown
        expect(rec[13]).toBe(i === 1 ? '' : String(i === 2)); // judge.cache_hit
        expect(rec[14]).toBe(i % 2 ? 'true' : 'false');
      });
    });
  }

  it('refuses options that are not one character or that clash', () => {
    expect(() => new CsvExportConfig({ sep: '' })).toThrow(InvalidCsvOptionError);
    expect(() => new CsvExportConfig({ quotechar: '""' })).toThrow(
      /quotechar "\\"\\"" is invalid: expected exactly one character/,
    );
    expect(() => new CsvExportConfig({ escapechar: '"' })).toThrow(/must differ from quotechar/);
    expect(() => new CsvExportConfig({ sep: '\n' })).toThrow(/line break/);
  });
});

describe('JSON export', () => {
  it('is one valid document with metadata first, every datapoint, and the summary last', async () => {
    const text = await render(new JsonExportConfig());
    const doc = JSON.parse(text) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- the parsed export
    expect(Object.keys(doc)).toEqual([
      'format',
      'format_version',
      'benchmark',
      'execution',
      'criteria',
      'evaluators',
      'slices',
      'datapoints',
      'summary',
    ]);
    expect(doc.execution).toMatchObject({
      benchmark_execution_uid: 3,
      created_by: 'me',
      duration_seconds: 60,
      created_at: '2026-01-01T00:00:00.000Z',
    });
    expect(doc.datapoints).toHaveLength(values.length);
    expect(doc.datapoints[1]).toEqual({
      x_uid: 'x1',
      split: 'dev',
      slices: ['hard'],
      evaluations: {
        judge: {
          evaluator_uid: 9,
          score: null,
          rationale: null,
          agreement: null,
          error: null,
          prompt_tokens: null,
          completion_tokens: null,
          cost_usd: null,
          cache_hit: null,
        },
      },
    });
    expect(doc.datapoints[2].evaluations.judge).toMatchObject({
      prompt_tokens: 102,
      completion_tokens: 20,
      cost_usd: 0.0002,
      cache_hit: true,
    });
    expect(doc.datapoints[4].evaluations.judge).toMatchObject({ cost_usd: null, cache_hit: false });
    expect(doc.datapoints[7].evaluations.judge.rationale).toBe('new\nline');
    expect(doc.summary).toEqual({ datapoints: values.length, evaluators: [] });
  });
});

describe('evaluator keys', () => {
  it('use unique non-empty names, else evaluator-<uid>', () => {
    const keys = evaluatorKeys([
      { evaluatorUid: 1, name: 'a' },
      { evaluatorUid: 2, name: 'b' },
      { evaluatorUid: 3, name: 'b' },
      { evaluatorUid: 4, name: ' ' },
    ]);
    expect([...keys.values()]).toEqual(['a', 'evaluator-2', 'evaluator-3', 'evaluator-4']);
  });
});
