/**
 * Reads dataset files into rows with their source line numbers: CSV (csv-parse; the header gives the column
 * order) and JSONL (one JSON object per line; blank lines skipped), both UTF-8 (a byte order mark is skipped).
 * Errors name the file and the line.
 */
import fs from 'node:fs';
import { pipeline } from 'node:stream';
import { parse } from 'csv-parse';
import { CsvError } from 'csv-parse';
import { MalformedFileError } from '../errors';
import { newColumnProblem } from './limits';
import { decodeUtf8, utf8Checked } from './utf8';

export interface SourceRow {
  /** 1-based line of the row in the file (where it ends, for a CSV record spanning lines). */
  line: number;
  values: Record<string, unknown>;
}

export interface ReadDataset {
  columns: string[];
  rows: SourceRow[];
}

export async function readCsvFile(file: string, options: { delimiter?: string } = {}): Promise<ReadDataset> {
  await assertReadable(file);
  let columns: string[] = [];
  const rows: SourceRow[] = [];
  const parser = pipeline(
    fs.createReadStream(file),
    utf8Checked(file),
    parse({
      bom: true,
      delimiter: options.delimiter ?? ',',
      info: true,
      skip_empty_lines: true,
      columns: (header: string[]) => {
        const seen = new Set<string>();
        for (const name of header) {
          if (name.trim() === '') throw new MalformedFileError(file, 1, 'the header has an empty column name');
          if (seen.has(name))
            throw new MalformedFileError(file, 1, `the header repeats column ${JSON.stringify(name)}`);
          const problem = newColumnProblem(name, seen.size);
          if (problem) throw new MalformedFileError(file, 1, problem);
          seen.add(name);
        }
        columns = header;
        return header;
      },
    }),
    () => {
      // Errors reach the loop below through the parser, the last stream.
    },
  );
  try {
    for await (const { record, info } of parser as AsyncIterable<{
      record: Record<string, string>;
      info: { lines: number };
    }>) {
      rows.push({ line: info.lines, values: record });
    }
  } catch (err) {
    if (err instanceof MalformedFileError) throw err;
    if (err instanceof CsvError) {
      const line = (err as CsvError & { lines?: number }).lines;
      throw new MalformedFileError(file, line, err.message.replace(/^Invalid Record Length: /, ''));
    }
    throw err;
  }
  return { columns, rows };
}

export async function readJsonlFile(file: string): Promise<ReadDataset> {
  await assertReadable(file);
  const text = decodeUtf8(file, await fs.promises.readFile(file));
  const columns: string[] = [];
  const seen = new Set<string>();
  const rows: SourceRow[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = i + 1;
    if (raw.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (err) {
      throw new MalformedFileError(file, line, `not valid JSON (${(err as Error).message})`);
    }
    if (!value || typeof value !== 'object' || Array.isArray(value)) {
      throw new MalformedFileError(file, line, 'expected a JSON object per line');
    }
    for (const key of Object.keys(value)) {
      if (seen.has(key)) continue;
      const problem = newColumnProblem(key, seen.size);
      if (problem) throw new MalformedFileError(file, line, problem);
      seen.add(key);
      columns.push(key);
    }
    rows.push({ line, values: value as Record<string, unknown> });
  });
  return { columns, rows };
}

async function assertReadable(file: string): Promise<void> {
  try {
    const stat = await fs.promises.stat(file);
    if (!stat.isFile()) throw new MalformedFileError(file, undefined, 'is not a file');
  } catch (err) {
    if (err instanceof MalformedFileError) throw err;
    throw new MalformedFileError(file, undefined, 'cannot be read (does it exist?)');
  }
}
