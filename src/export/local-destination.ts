/** A local export file: written to a temp file beside it, fsynced, and renamed into place on commit. */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Writable } from 'node:stream';
import { InvalidDestinationError } from './errors';
import type { ExportDestination } from './destination';

/** Checks, before anything starts, that `file` can be written: its directory exists and is writable, and it is not a directory. */
export async function validateLocalDestination(file: string): Promise<void> {
  const target = path.resolve(file);
  const stat = await fs.promises.stat(target).catch(() => undefined);
  if (stat?.isDirectory()) throw new InvalidDestinationError(file, 'it is a directory; give a file name');
  const dir = path.dirname(target);
  const dirStat = await fs.promises.stat(dir).catch(() => undefined);
  if (!dirStat) throw new InvalidDestinationError(file, `directory ${dir} does not exist`);
  if (!dirStat.isDirectory()) throw new InvalidDestinationError(file, `${dir} is not a directory`);
  try {
    await fs.promises.access(dir, fs.constants.W_OK);
  } catch {
    throw new InvalidDestinationError(file, `directory ${dir} is not writable`);
  }
}

export class LocalFileDestination implements ExportDestination {
  readonly target: string;
  readonly tempPath: string;
  private stream?: fs.WriteStream;

  constructor(file: string) {
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
    await fs.promises.rename(this.tempPath, this.target);
    const dir = await fs.promises.open(path.dirname(this.target), 'r');
    try {
      await dir.sync().catch(() => {});
    } finally {
      await dir.close();
    }
  }

  describeError(err: unknown): unknown {
    return err;
  }

  async abort(): Promise<void> {
    this.stream?.destroy();
    await fs.promises.rm(this.tempPath, { force: true });
  }
}
