/**
 * Where a local export may be written. The worker checks its destination itself, against its own file system and
 * permissions: the client's check ran elsewhere, and an export workflow can be started without the client at all.
 * A destination is a new file (or, with `overwrite`, an existing regular file) in an existing directory under one of
 * the export roots, reached without `..` and without a symbolic link below the root.
 */
import fs from 'node:fs';
import path from 'node:path';
import { InvalidDestinationError } from './errors';

export interface LocalExportPolicy {
  /** Directories exports may be written under (JUDGEFLOW_EXPORT_ROOTS); none: local exports are off. */
  roots: readonly string[];
  /** Whether an existing regular file may be replaced. */
  overwrite: boolean;
}

/** Checks `file` as the worker writes it; returns the path to write. */
export async function checkWorkerDestination(file: string, policy: LocalExportPolicy): Promise<string> {
  if (!path.isAbsolute(file)) throw new InvalidDestinationError(file, 'the worker writes only absolute paths');
  if (file.split(/[\\/]/).includes('..')) throw new InvalidDestinationError(file, '".." segments are not allowed');
  const target = path.normalize(file);
  await checkUnderRoots(file, path.dirname(target), policy.roots);
  await checkDirectory(file, path.dirname(target));
  await checkExisting(file, target, policy.overwrite);
  return target;
}

/** The client's early check, before anything is recorded: the directory can take the file and it may be written. */
export async function checkClientDestination(file: string, overwrite: boolean): Promise<void> {
  const target = path.resolve(file);
  await checkExisting(file, target, overwrite);
  await checkDirectory(file, path.dirname(target));
}

async function checkUnderRoots(file: string, dir: string, roots: readonly string[]): Promise<void> {
  if (roots.length === 0)
    throw new InvalidDestinationError(file, 'local exports are off on this worker (JUDGEFLOW_EXPORT_ROOTS is empty)');
  for (const root of roots) {
    const real = await fs.promises.realpath(root).catch(() => undefined);
    if (!real) continue;
    // The root may itself be reached through a link (/tmp on some systems); below it, no link is followed.
    for (const base of new Set([path.resolve(root), real])) {
      if (dir !== base && !dir.startsWith(base.endsWith(path.sep) ? base : base + path.sep)) continue;
      const dirReal = await fs.promises.realpath(dir).catch(() => undefined);
      if (!dirReal) throw new InvalidDestinationError(file, `directory ${dir} does not exist`);
      if (dirReal !== path.join(real, path.relative(base, dir)))
        throw new InvalidDestinationError(file, `the path goes through a symbolic link (to ${dirReal})`);
      return;
    }
  }
  throw new InvalidDestinationError(
    file,
    `it is outside the export roots of the worker (${roots.join(', ')}); set JUDGEFLOW_EXPORT_ROOTS on the worker to allow another directory`,
  );
}

async function checkDirectory(file: string, dir: string): Promise<void> {
  const dirStat = await fs.promises.stat(dir).catch(() => undefined);
  if (!dirStat) throw new InvalidDestinationError(file, `directory ${dir} does not exist`);
  if (!dirStat.isDirectory()) throw new InvalidDestinationError(file, `${dir} is not a directory`);
  try {
    await fs.promises.access(dir, fs.constants.W_OK);
  } catch {
    throw new InvalidDestinationError(file, `directory ${dir} is not writable`);
  }
}

/** Refuses a destination that exists, unless it is a regular file and `overwrite` is set. */
export async function checkExisting(file: string, target: string, overwrite: boolean): Promise<void> {
  const stat = await fs.promises.lstat(target).catch(() => undefined);
  if (!stat) return;
  const kind = stat.isSymbolicLink()
    ? 'a symbolic link'
    : stat.isDirectory()
      ? 'a directory; give a file name'
      : stat.isFIFO()
        ? 'a FIFO'
        : stat.isSocket()
          ? 'a socket'
          : stat.isCharacterDevice() || stat.isBlockDevice()
            ? 'a device'
            : undefined;
  if (kind) throw new InvalidDestinationError(file, `it is ${kind}`);
  if (!overwrite) throw fileExistsError(file);
}

/** The refusal of a destination where a file exists and overwrite is not set. */
export function fileExistsError(file: string): InvalidDestinationError {
  return new InvalidDestinationError(file, 'the file exists; pass overwrite: true (--force) to replace it');
}
