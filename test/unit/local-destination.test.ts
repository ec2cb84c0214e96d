import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseDestination } from '../../src/export/destination';
import { LocalFileDestination, validateLocalDestination } from '../../src/export/local-destination';
import { InvalidDestinationError, UnsupportedDestinationError } from '../../src/export/errors';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'judgeflow-dest-'));
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

const write = (stream: NodeJS.WritableStream, text: string) =>
  new Promise<void>((r) =>
    stream.write(text, () => {
      r();
    }),
  );
const end = (stream: NodeJS.WritableStream) =>
  new Promise<void>((r) =>
    stream.end(() => {
      r();
    }),
  );

describe('LocalFileDestination', () => {
  it('shows the file only at commit, replacing an existing one then', async () => {
    const target = path.join(dir, 'out.json');
    fs.writeFileSync(target, 'old');
    const d = new LocalFileDestination(target);
    const out = await d.open();
    await write(out, 'new ');
    expect(fs.readFileSync(target, 'utf8')).toBe('old');
    await write(out, 'content');
    await end(out);
    await d.commit();
    expect(fs.readFileSync(target, 'utf8')).toBe('new content');
    expect(fs.readdirSync(dir)).toEqual(['out.json']);
  });

  it('leaves nothing behind when aborted, neither the target nor the temp file', async () => {
    const target = path.join(dir, 'out.csv');
    const d = new LocalFileDestination(target);
    await write(await d.open(), 'half a file');
    await d.abort();
    expect(fs.readdirSync(dir)).toEqual([]);
  });
});

describe('destinations', () => {
  it('parses local paths, file://, s3:// and gs:// URLs', () => {
    expect(parseDestination('out/x.json')).toEqual({ kind: 'local', path: 'out/x.json' });
    expect(parseDestination('file:///tmp/a%20b.csv')).toEqual({ kind: 'local', path: '/tmp/a b.csv' });
    expect(parseDestination('s3://MY-BUCKET/MY-PATH/benchmark_execution.json')).toEqual({
      kind: 's3',
      bucket: 'MY-BUCKET',
      key: 'MY-PATH/benchmark_execution.json',
    });
    expect(parseDestination('gs://b/k.csv')).toEqual({ kind: 'gs', bucket: 'b', key: 'k.csv' });
  });

  it('refuses other schemes and URLs without a file, naming them', () => {
    expect(() => parseDestination('https://example.com/x.json')).toThrow(UnsupportedDestinationError);
    expect(() => parseDestination('https://example.com/x.json')).toThrow(/"https" is not supported/);
    expect(() => parseDestination('s3://bucket-only')).toThrow(InvalidDestinationError);
    expect(() => parseDestination('')).toThrow(InvalidDestinationError);
  });

  it('validates a local path before anything starts', async () => {
    await expect(validateLocalDestination(path.join(dir, 'ok.json'))).resolves.toBeUndefined();
    await expect(validateLocalDestination(dir)).rejects.toThrow(/is a directory/);
    await expect(validateLocalDestination(path.join(dir, 'nope', 'x.json'))).rejects.toThrow(/nope does not exist/);
    fs.writeFileSync(path.join(dir, 'file'), '');
    await expect(validateLocalDestination(path.join(dir, 'file', 'x.json'))).rejects.toThrow(/is not a directory/);
  });
});
