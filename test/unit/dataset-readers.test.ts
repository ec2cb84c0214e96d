import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readCsvFile, readJsonlFile } from '../../src/dataset/readers';
import { MalformedFileError } from '../../src/errors';

const fixture = (name: string) => path.join(import.meta.dirname, '../fixtures', name);

describe('CSV reader', () => {
  it('keeps header order, quoted separators, quotes and newlines, with line numbers', async () => {
    const { columns, rows } = await readCsvFile(fixture('small.csv'));
    expect(columns).toEqual(['x_uid', 'split', 'question', 'response', 'lang']);
    expect(rows.map((r) => r.values.response)).toEqual(['4', 'Paris, of course', 'yes "quoted"']);
    expect(rows[2]?.values.question).toBe('Multi\nline?');
    expect(rows.map((r) => r.line)).toEqual([2, 3, 5]); // the multi-line record ends on line 5
  });

  it('names the file and line of a malformed record', async () => {
    await expect(readCsvFile(fixture('bad-columns.csv'))).rejects.toThrow(MalformedFileError);
    await expect(readCsvFile(fixture('bad-columns.csv'))).rejects.toThrow(/bad-columns\.csv: line 3/);
    await expect(readCsvFile(fixture('bad-quote.csv'))).rejects.toThrow(/bad-quote\.csv: line \d/);
  });

  it('says so when the file does not exist', async () => {
    await expect(readCsvFile(fixture('nope.csv'))).rejects.toThrow(/nope\.csv: cannot be read/);
  });
});

describe('JSONL reader', () => {
  it('reads one object per line, skips blank lines, and collects columns in first-seen order', async () => {
    const { columns, rows } = await readJsonlFile(fixture('small.jsonl'));
    expect(columns).toEqual(['x_uid', 'split', 'question', 'response', 'score_hint', 'extra']);
    expect(rows.map((r) => r.line)).toEqual([1, 3]);
    expect(rows[1]?.values.extra).toEqual({ k: 1 });
  });

  it('names the line of invalid JSON', async () => {
    await expect(readJsonlFile(fixture('bad.jsonl'))).rejects.toThrow(/bad\.jsonl: line 2: not valid JSON/);
  });
});
