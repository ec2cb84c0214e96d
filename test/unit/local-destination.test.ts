import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseDestination } from '../../src/export/destination';
import { LocalFileDestination } from '../../src/export/local-destination';
import { checkClientDestination } from '../../src/export/local-policy';
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
  it('shows the file only at commit, replacing an existing one then when asked to overwrite', async () => {
    const target = path.join(dir, 'out.json');
    fs.writeFileSync(target, 'old');
    const d = new LocalFileDestination(target, true);
    const out = await d.open();
    await write(out, 'new ');
    expect(fs.readFileSync(target, 'utf8')).toBe('old');
    await write(out, 'content');
    await end(out);
    await d.commit();
    expect(fs.readFileSync(target, 'utf8')).toBe('new content');
    expect(fs.readdirSync(dir)).toEqual(['out.json']);
  });

  it('without overwrite, never replaces a file (or a link, or a FIFO) that appeared while it was written', async () => {
    const cases: [string, (t: string) => void, RegExp, (t: string) => boolean][] = [
      [
        'file',
        (t) => {
          fs.writeFileSync(t, 'theirs');
        },
        /the file exists; pass overwrite: true \(--force\)/,
        (t) => fs.readFileSync(t, 'utf8') === 'theirs',
      ],
      [
        'link',
        (t) => {
          fs.symlinkSync(path.join(dir, 'elsewhere'), t);
        },
        /it is a symbolic link/,
        (t) => fs.lstatSync(t).isSymbolicLink(),
      ],
      ['fifo', (t) => execFileSync('mkfifo', [t]), /it is a FIFO/, (t) => fs.lstatSync(t).isFIFO()],
    ];
    for (const [name, make, refusal, untouched] of cases) {
      const target = path.join(dir, `${name}.json`);
      const d = new LocalFileDestination(target);
      const out = await d.open();
      await write(out, 'ours');
      make(target);
      await end(out);
      await expect(d.commit()).rejects.toThrow(refusal);
      await d.abort();
      expect(untouched(target)).toBe(true);
    }
    expect(fs.readdirSync(dir).filter((f) => f.endsWith('.partial'))).toEqual([]);
  });

  it('with overwrite, still refuses to replace a link or FIFO put there meanwhile', async () => {
    const target = path.join(dir, 'fifo.json');
    const d = new LocalFileDestination(target, true);
    const out = await d.open();
    execFileSync('mkfifo', [target]);
    await end(out);
    await expect(d.commit()).rejects.toThrow(/it is a FIFO/);
    await d.abort();
    expect(fs.lstatSync(target).isFIFO()).toBe(true);
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
    expect(parseDestination('s3://my-bucket/MY-PATH/benchmark_execution.json')).toEqual({
      kind: 's3',
      bucket: 'my-bucket',
      key: 'MY-PATH/benchmark_execution.json',
    });
    expect(parseDestination('gs://my_bucket.example.com/k.csv')).toEqual({
      kind: 'gs',
      bucket: 'my_bucket.example.com',
      key: 'k.csv',
    });
  });

  it.each([
    ['s3://bucket/../other/x.json', /"\.\." segments/],
    ['s3://bucket/a/./x.json', /"\." or "\.\." segments/],
    ['gs://bucket/runs//x.json', /no empty segments \(no leading "\/" and no "\/\/"\)/],
    ['s3://bucket//x.json', /no empty segments/],
    [`s3://bucket/${'k'.repeat(1025)}`, /at most 1024 bytes of UTF-8 \(this one has 1025\)/],
    [`gs://bucket/${'é'.repeat(513)}`, /at most 1024 bytes of UTF-8 \(this one has 1026\)/],
    ['s3://bucket/line\nbreak.json', /no control characters/],
    ['s3://bucket/bad\ud800.json', /lone surrogate/],
    ['s3://MY-BUCKET/x.json', /an S3 bucket name has only lowercase letters, digits, dots and hyphens/],
    ['s3://ab/x.json', /an S3 bucket name has 3 to 63 characters/],
    [`s3://${'a'.repeat(64)}/x.json`, /3 to 63 characters/],
    ['s3://-bucket/x.json', /begins and ends with a letter or digit/],
    ['s3://my..bucket/x.json', /no two dots in a row/],
    ['s3://192.168.1.1/x.json', /not an IP address/],
    ['s3://my_bucket/x.json', /only lowercase letters, digits, dots and hyphens/],
    ['s3://xn--bucket/x.json', /reserves/],
    ['gs://Bucket/x.json', /a Cloud Storage bucket name has only lowercase/],
    ['gs://googbucket/x.json', /does not begin with "goog"/],
    ['gs://my-google-bucket/x.json', /contain "google"/],
    [`gs://${'a'.repeat(64)}/x.json`, /3 to 63 characters \(up to 222 when it has dots\)/],
    [`gs://${'a'.repeat(64)}.example.com/x.json`, /each dot-separated part/],
  ])('refuses %s up front with the rule it breaks', (url, rule) => {
    expect(() => parseDestination(url)).toThrow(InvalidDestinationError);
    expect(() => parseDestination(url)).toThrow(rule);
  });

  it('refuses other schemes and URLs without a file, naming them', () => {
    expect(() => parseDestination('https://example.com/x.json')).toThrow(UnsupportedDestinationError);
    expect(() => parseDestination('https://example.com/x.json')).toThrow(/"https" is not supported/);
    expect(() => parseDestination('s3://bucket-only')).toThrow(InvalidDestinationError);
    expect(() => parseDestination('')).toThrow(InvalidDestinationError);
  });

  it('validates a local path before anything starts', async () => {
    await expect(checkClientDestination(path.join(dir, 'ok.json'), false)).resolves.toBeUndefined();
    await expect(checkClientDestination(dir, false)).rejects.toThrow(/is a directory/);
    await expect(checkClientDestination(path.join(dir, 'nope', 'x.json'), false)).rejects.toThrow(
      /nope does not exist/,
    );
    fs.writeFileSync(path.join(dir, 'file'), '');
    await expect(checkClientDestination(path.join(dir, 'file', 'x.json'), false)).rejects.toThrow(/is not a directory/);
    await expect(checkClientDestination(path.join(dir, 'file'), false)).rejects.toThrow(
      /: the file exists; pass overwrite: true \(--force\) to replace it$/,
    );
    await expect(checkClientDestination(path.join(dir, 'file'), true)).resolves.toBeUndefined();
  });
});
