/**
 * A local export file: written to a temp file beside it, fsynced, and moved into place on commit. Without
 * `overwrite` the move is a hard link, which fails if a file appeared meanwhile, so nothing is ever replaced.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Writable } from 'node:stream';
import type { ExportDestination } from './destination';
import { checkExisting, fileExistsError } from './local-policy';

export class LocalFileDestination implements ExportDestination {
  readonly target: string;
  readonly tempPath: string;
  private stream?: fs.WriteStream;

  constructor(
    file: string,
    private readonly overwrite = false,
  ) {
    this.target = path.resolve(file);
    this.tempPath = path.join(
      path.dirname(this.target),
      `.${path.basename(this.target)}.${randomBytes(6).toString('hex')}.partial`,
    );
  }

  async open(): Promise<Writable> {
    this.stream = fs.createWriteStream(this.tempPath, { flags: 'wx' });
    await new Promise<void>((resolve, reject) => {
      this.stream!.once('open', () => {
        resolve();
      });
      this.stream!.once('error', reject);
    });
    return this.stream;
  }

  /** Makes the file durable, then visible: fsync the temp file, rename over the target, fsync the directory. */
  async commit(): Promise<void> {
    if (this.stream && !this.stream.closed)
      await new Promise<void>((resolve) =>
        this.stream!.once('close', () => {
          resolve();
        }),
      );
    const handle = await fs.promises.open(this.tempPath, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
    await this.moveIntoPlace();
    const dir = await fs.promises.open(path.dirname(this.target), 'r');
    try {
      await dir.sync().catch(() => {});
    } finally {
      await dir.close();
    }
  }

  private async moveIntoPlace(): Promise<void> {
    // What is at the target now, not when the export started: a link or FIFO put there meanwhile is refused too.
    await checkExisting(this.target, this.target, this.overwrite);
    if (this.overwrite) return fs.promises.rename(this.tempPath, this.target);
    try {
      await fs.promises.link(this.tempPath, this.target);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw fileExistsError(this.target);
      throw err;
    }
    await fs.promises.rm(this.tempPath, { force: true });
  }

  describeError(err: unknown): unknown {
    return err;
  }

  async abort(): Promise<void> {
    this.stream?.destroy();
    await fs.promises.rm(this.tempPath, { force: true });
  }
}
