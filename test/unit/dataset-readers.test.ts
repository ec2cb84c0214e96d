import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readCsvFile, readJsonlFile } from '../../src/dataset/readers';
import { MalformedFileError } from '../../src/errors';

const fixture = (name: string) => path.join(import.meta.dirname, '../fixtures', name);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'judgeflow-readers-'));
afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});
/** A file of these bytes (strings are written as UTF-8). */
function file(name: string, ...parts: (string | Buffer)[]): string {
  const at = path.join(dir, name);
  fs.writeFileSync(at, Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : p))));
  return at;
}

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

describe('columns', () => {
  it('refuses a column name PostgreSQL cannot store, naming it and its line', async () => {
    const csv = file('nul-name.csv', 'x_uid,a\0b\nx,1\n');
    await expect(readCsvFile(csv)).rejects.toThrow(/line 1: column name "a\\u0000b" contains a NUL character/);
    const jsonl = file('surrogate-name.jsonl', '{"a":1}\n{"\\ud800":1}\n');
    await expect(readJsonlFile(jsonl)).rejects.toThrow(
      /line 2: column name "\\ud800" contains a lone UTF-16 surrogate/,
    );
  });

  it('keeps a __proto__ column as a column (an own property of the row, as constructor is)', async () => {
    const csv = await readCsvFile(file('proto.csv', 'x_uid,__proto__,constructor\na,p,c\n'));
    expect(csv.columns).toEqual(['x_uid', '__proto__', 'constructor']);
    expect(Object.hasOwn(csv.rows[0]!.values, '__proto__')).toBe(true);
    const jsonl = await readJsonlFile(file('proto.jsonl', '{"x_uid":"a","__proto__":"p"}\n'));
    expect(jsonl.columns).toEqual(['x_uid', '__proto__']);
  });
});
