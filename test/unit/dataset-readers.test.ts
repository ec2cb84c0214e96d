import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MAX_COLUMNS } from '../../src/dataset/limits';
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
const LATIN1_E_ACUTE = Buffer.from([0xe9]); // "é" in Latin-1: not UTF-8
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

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

describe('text encoding', () => {
  it('refuses bytes that are not UTF-8, naming their line, instead of reading U+FFFD (CSV and JSONL)', async () => {
    const csv = file('latin1.csv', 'x_uid,split,t\na,test,ok\nb,test,caf', LATIN1_E_ACUTE, '\nc,test,x\n');
    await expect(readCsvFile(csv)).rejects.toThrow(MalformedFileError);
    await expect(readCsvFile(csv)).rejects.toThrow(/latin1\.csv: line 3: not valid UTF-8/);
    const jsonl = file('latin1.jsonl', '{"a":"ok"}\n\n{"a":"caf', LATIN1_E_ACUTE, '"}\n');
    await expect(readJsonlFile(jsonl)).rejects.toThrow(/latin1\.jsonl: line 3: not valid UTF-8/);
    // A sequence cut short by the end of the file.
    const cut = file('cut.csv', 'x_uid,t\na,caf', Buffer.from([0xc3]));
    await expect(readCsvFile(cut)).rejects.toThrow(/cut\.csv: line 2: not valid UTF-8/);
  });

  it('checks UTF-8 across the read chunks: a character split between two is fine, a bad byte far on is on its line', async () => {
    // fs streams read 64 KiB chunks: put a two-byte "é" across the first boundary, and a bad byte in a later chunk.
    const head = 'x_uid,t\n';
    const line = (i: number) => `r${String(i).padStart(5, '0')},${'é'.repeat(40)}\n`; // 89 bytes
    const lines = Array.from({ length: 2000 }, (_, i) => line(i));
    const pad = 'p'.repeat(65_535 - Buffer.byteLength(head + lines.slice(0, 700).join('')) - 'r00700,'.length);
    lines[700] = `r00700,${pad}${'é'.repeat(3)}\n`;
    const good = file('chunks.csv', head, ...lines);
    const bytes = fs.readFileSync(good);
    expect(bytes[65_535]).toBe(0xc3); // the first byte of "é" ends the first chunk
    expect(bytes[65_536]).toBe(0xa9);
    const read = await readCsvFile(good);
    expect(read.rows).toHaveLength(2000);
    expect(read.rows[700]?.values.t).toBe(`${pad}ééé`);
    const bad = file('chunks-bad.csv', head, ...lines.slice(0, 1500), 'bad,caf', LATIN1_E_ACUTE, '\n', ...lines);
    await expect(readCsvFile(bad)).rejects.toThrow(/chunks-bad\.csv: line 1502: not valid UTF-8/);
  });

  it('accepts a byte order mark at the start of a JSONL file, as of a CSV file', async () => {
    const jsonl = await readJsonlFile(file('bom.jsonl', BOM, '{"x_uid":"a","t":1}\n'));
    expect(jsonl.columns).toEqual(['x_uid', 't']);
    const csv = await readCsvFile(file('bom.csv', BOM, 'x_uid,t\na,1\n'));
    expect(csv.columns).toEqual(['x_uid', 't']);
  });
});

describe('columns', () => {
  it(`refuses more than ${MAX_COLUMNS.toLocaleString('en')} columns: a CSV at its header, JSONL at the row adding one`, async () => {
    const names = (n: number) => Array.from({ length: n }, (_, i) => `c${i}`);
    const wide = file('wide.csv', `${names(MAX_COLUMNS + 1).join(',')}\n${names(MAX_COLUMNS + 1).join(',')}\n`);
    await expect(readCsvFile(wide)).rejects.toThrow(/wide\.csv: line 1: more than 10,000 columns/);
    const widest = file('widest.csv', `${names(MAX_COLUMNS).join(',')}\n${names(MAX_COLUMNS).join(',')}\n`);
    expect((await readCsvFile(widest)).columns).toHaveLength(MAX_COLUMNS);
    const half = (from: number) =>
      JSON.stringify(Object.fromEntries(names(MAX_COLUMNS / 2 + 1).map((c) => [`${c}-${from}`, 1])));
    const jsonl = file('wide.jsonl', `${half(1)}\n${half(2)}\n`);
    await expect(readJsonlFile(jsonl)).rejects.toThrow(/wide\.jsonl: line 2: more than 10,000 columns/);
  });

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
