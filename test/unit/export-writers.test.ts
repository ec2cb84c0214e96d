import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { CsvExportConfig } from '../../src/export/config';
import { InvalidCsvOptionError } from '../../src/export/errors';
import { csvColumns, evaluatorKeys, type ExportRow } from '../../src/export/format';
import { CsvRowWriter, JsonWriter } from '../../src/export/writer';
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
              confidence: i === 3 ? 0.5 : null,
              expectedScore: i === 3 ? 0.5 : null,
              distribution: i === 5 ? { '0': 0.25, '1': 0.75 } : null,
              entropy: i === 5 ? 0.8112781244591328 : null,
              samples:
                i === 3
                  ? [
                      { score: 1, rationale: v },
                      { score: 0, rationale: 'no, "really"' },
                    ]
                  : null,
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

function collect(out: PassThrough): () => string {
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  return () => Buffer.concat(chunks).toString('utf8');
}

async function renderCsv(config: CsvExportConfig): Promise<string> {
  const out = new PassThrough();
  const text = collect(out);
  const writer = new CsvRowWriter(config, out);
  await writer.begin(header);
  for (const r of rows) await writer.row(r);
  await writer.end();
  return text();
}

/** A JSON document whose datapoints arrive as JSON lines cut into these chunks. */
async function renderJson(chunks: Buffer[]): Promise<string> {
  const out = new PassThrough();
  const text = collect(out);
  const writer = new JsonWriter(out);
  await writer.begin(header);
  let seen = 0;
  await writer.datapoints(Readable.from(chunks), (c) => (seen += c.length));
  await writer.end({ datapoints: rows.length, evaluators: [] });
  // onChunk sees what is written: every byte but the first comma.
  const bytes = chunks.reduce((n, c) => n + c.length, 0);
  expect(seen).toBe(Math.max(0, bytes - 1));
  return text();
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
      'judge.confidence',
      'judge.expected_score',
      'judge.samples',
      'judge.distribution',
      'judge.entropy',
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
    { escapechar: null },
    { sep: ';', quotechar: "'", escapechar: null, formulaGuard: true },
  ]) {
    it(`round-trips every value through csv-parse with ${JSON.stringify(options)}`, async () => {
      const config = new CsvExportConfig(options);
      const text = await renderCsv(config);
      const records: string[][] = parse(text, {
        delimiter: config.sep,
        quote: config.quotechar,
        escape: config.escapechar ?? config.quotechar,
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
        expect(rec[10]).toBe(i === 3 ? '0.5' : ''); // judge.confidence, with samples only
        expect(rec[11]).toBe(i === 3 ? '0.5' : ''); // judge.expected_score
        // judge.samples and judge.distribution: their JSON text
        expect(rec[12]).toBe(
          i === 3
            ? JSON.stringify([
                { score: 1, rationale: values[i] },
                { score: 0, rationale: 'no, "really"' },
              ])
            : '',
        );
        expect(rec[13]).toBe(i === 5 ? '{"0":0.25,"1":0.75}' : '');
        expect(rec[14]).toBe(i === 5 ? '0.8112781244591328' : ''); // judge.entropy
        expect(rec[15]).toBe(i === 1 ? '' : String(100 + i)); // judge.prompt_tokens
        expect(rec[16]).toBe(i === 1 ? '' : '20'); // judge.completion_tokens
        expect(rec[17]).toBe(i === 1 || i % 4 === 0 ? '' : String(0.0001 * i)); // judge.cost_usd, empty when unknown
        expect(rec[18]).toBe(i === 1 ? '' : String(i === 2)); // judge.cache_hit
        expect(rec[19]).toBe(i % 2 ? 'true' : 'false');
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

  it('takes escapechar null (RFC 4180) and formulaGuard, and names the option and what it expects otherwise', () => {
    expect(new CsvExportConfig({ escapechar: null, formulaGuard: true })).toMatchObject({
      sep: ',',
      quotechar: '"',
      escapechar: null,
      formulaGuard: true,
    });
    expect(new CsvExportConfig()).toMatchObject({ escapechar: '\\', formulaGuard: false });
    const refused = (options: object) => {
      try {
        new CsvExportConfig(options);
      } catch (err) {
        expect(err).toBeInstanceOf(InvalidCsvOptionError);
        return { option: (err as InvalidCsvOptionError).option, message: (err as Error).message };
      }
      throw new Error(`accepted ${JSON.stringify(options)}`);
    };
    expect(refused({ formulaGuard: 'yes' })).toEqual({
      option: 'formulaGuard',
      message: 'CsvExportConfig formulaGuard "yes" is invalid: expected true or false',
    });
    expect(refused({ escapechar: '' })).toEqual({
      option: 'escapechar',
      message: 'CsvExportConfig escapechar "" is invalid: expected exactly one character, or null for none (RFC 4180)',
    });
    expect(refused({ escapechar: '"' }).message).toMatch(/must differ from quotechar.*RFC 4180, use null/);
    expect(refused({ sep: '"', escapechar: null }).option).toBe('quotechar');
  });
});

describe('JSON export', () => {
  const datapoints = values.map((v, i) => ({
    x_uid: `x${i}`,
    split: 'dev',
    slices: [],
    evaluations: { judge: { rationale: v } },
  }));
  // As PostgreSQL writes them (copyExportJsonElements): a comma, the object, a line break.
  const lines = Buffer.from(datapoints.map((d) => `,${JSON.stringify(d)}\n`).join(''), 'utf8');

  it('is one valid document with metadata first, every datapoint, and the summary last', async () => {
    const doc = JSON.parse(await renderJson([lines])) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- the parsed export
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
    expect(doc.datapoints).toEqual(datapoints);
    expect(doc.summary).toEqual({ datapoints: values.length, evaluators: [] });
  });

  it('makes the same document whichever bytes the elements are cut at (after the first comma, in a character)', async () => {
    const whole = await renderJson([lines]);
    const cuts = [1, lines.indexOf('\n') + 1, lines.indexOf('日') + 1, lines.indexOf('🚀') + 2, lines.length - 1];
    const bounds = [0, ...cuts, lines.length];
    const pieces = bounds.slice(1).map((end, i) => lines.subarray(bounds[i], end));
    expect(await renderJson(pieces)).toBe(whole);
    expect(await renderJson([...lines].map((b) => Buffer.from([b])))).toBe(whole);
  });

  it('stops with the destination when it is destroyed between two chunks (a cancelled export), not waits', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'judgeflow-writer-'));
    try {
      const out = fs.createWriteStream(path.join(dir, 'export.json'));
      out.on('error', () => undefined);
      const writer = new JsonWriter(out);
      await writer.begin(header);
      let sent = false;
      const elements = new Readable({
        read() {
          if (sent) return;
          sent = true;
          // The destination is destroyed, and has closed, before the next chunk comes.
          out.destroy(new Error('export cancelled'));
          out.once('close', () => this.push(lines));
        },
      });
      await expect(writer.datapoints(elements, () => undefined)).rejects.toThrow('export cancelled');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('is a valid document with no datapoints', async () => {
    const doc = JSON.parse(await renderJson([]));
    expect(doc.datapoints).toEqual([]);
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
