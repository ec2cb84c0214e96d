/**
 * What a worker accepts as a local export destination (src/export/local-policy.ts), on a real file system: only
 * absolute paths under the export roots, no "..", no symbolic link below a root, never onto a FIFO, device, link or
 * directory, and an existing file only with overwrite.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InvalidDestinationError } from '../../src/export/errors';
import { checkWorkerDestination } from '../../src/export/local-policy';

let root: string;
let outside: string;
beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'judgeflow-root-'));
  outside = fs.mkdtempSync(path.join(os.tmpdir(), 'judgeflow-outside-'));
});
afterEach(() => {
  fs.rmSync(root, { recursive: true, force: true });
  fs.rmSync(outside, { recursive: true, force: true });
});

const check = (file: string, roots = [root], overwrite = false) => checkWorkerDestination(file, { roots, overwrite });

describe('a worker writes local exports only where its policy allows', () => {
  it('accepts a new file in an existing directory under a root, and returns its normalised path', async () => {
    fs.mkdirSync(path.join(root, 'runs'));
    await expect(check(path.join(root, 'runs', 'x.json'))).resolves.toBe(path.join(root, 'runs', 'x.json'));
    await expect(check(`${root}//runs/./x.json`)).resolves.toBe(path.join(root, 'runs', 'x.json'));
  });

  it('refuses paths outside every root, naming the roots and the variable', async () => {
    const refusal = check(path.join(outside, 'x.json'));
    await expect(refusal).rejects.toThrow(InvalidDestinationError);
    await expect(refusal).rejects.toThrow(
      `outside the export roots of the worker (${root}); set JUDGEFLOW_EXPORT_ROOTS`,
    );
    // A root is a directory, not a prefix: /tmp/root-x is not under /tmp/root.
    fs.mkdirSync(`${root}-x`);
    await expect(check(path.join(`${root}-x`, 'x.json'))).rejects.toThrow(/outside the export roots/);
    fs.rmSync(`${root}-x`, { recursive: true });
    await expect(check(path.join(root, 'x.json'), [])).rejects.toThrow(/local exports are off on this worker/);
  });

  it('refuses relative paths and ".." segments, even when they would land under a root', async () => {
    fs.mkdirSync(path.join(root, 'sub'));
    await expect(check('x.json')).rejects.toThrow(/the worker writes only absolute paths/);
    await expect(check(path.join(root, 'sub') + '/../x.json')).rejects.toThrow(/".." segments are not allowed/);
  });

  it('never goes through a symbolic link below a root, but accepts a root reached through one', async () => {
    fs.symlinkSync(outside, path.join(root, 'link'));
    await expect(check(path.join(root, 'link', 'x.json'))).rejects.toThrow(
      `the path goes through a symbolic link (to ${fs.realpathSync(outside)})`,
    );
    const alias = path.join(outside, 'alias');
    fs.symlinkSync(root, alias);
    await expect(check(path.join(alias, 'x.json'), [alias])).resolves.toBe(path.join(alias, 'x.json'));
  });

  it('never writes onto a link, FIFO, device or directory, nor onto a file without overwrite', async () => {
    fs.symlinkSync(path.join(outside, 'target'), path.join(root, 'link.json'));
    await expect(check(path.join(root, 'link.json'), [root], true)).rejects.toThrow(/it is a symbolic link/);
    execFileSync('mkfifo', [path.join(root, 'fifo.json')]);
    await expect(check(path.join(root, 'fifo.json'), [root], true)).rejects.toThrow(/it is a FIFO/);
    await expect(check('/dev/null', ['/dev'], true)).rejects.toThrow(/it is a device/);
    fs.mkdirSync(path.join(root, 'dir.json'));
    await expect(check(path.join(root, 'dir.json'), [root], true)).rejects.toThrow(/it is a directory/);
    fs.writeFileSync(path.join(root, 'old.json'), 'old');
    await expect(check(path.join(root, 'old.json'))).rejects.toThrow(
      /the file exists; pass overwrite: true \(--force\) to replace it/,
    );
    await expect(check(path.join(root, 'old.json'), [root], true)).resolves.toBe(path.join(root, 'old.json'));
    await expect(check(path.join(root, 'missing', 'x.json'))).rejects.toThrow(/does not exist/);
  });
});
