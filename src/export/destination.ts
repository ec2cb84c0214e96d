/**
 * Where an export goes. A destination is written through a stream and becomes visible only on `commit()`:
 * a local temp file renamed into place, or (later) an S3 multipart / GCS resumable upload completed at the end.
 * `abort()` leaves nothing behind.
 */
import type { Writable } from 'node:stream';
import { show } from '../errors';
import { InvalidDestinationError, UnsupportedDestinationError } from './errors';
import { bucketNameProblem, objectKeyProblem } from './remote-names';

export type ParsedDestination =
  | { kind: 'local'; path: string }
  | { kind: 's3'; bucket: string; key: string }
  | { kind: 'gs'; bucket: string; key: string };

export interface ExportDestination {
  open(): Promise<Writable>;
  commit(): Promise<void>;
  abort(): Promise<void>;
  /** A failure of this destination as a clear error naming it (storage client errors), or unchanged. */
  describeError(err: unknown): unknown;
}

export function parseDestination(filepath: string): ParsedDestination {
  if (typeof filepath !== 'string' || filepath.trim() === '') {
    throw new InvalidDestinationError(show(filepath), 'expected a non-empty path or URL');
  }
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\//.exec(filepath)?.[1]?.toLowerCase();
  if (!scheme) return { kind: 'local', path: filepath };
  if (scheme === 'file') return { kind: 'local', path: decodeURIComponent(new URL(filepath).pathname) };
  if (scheme === 's3' || scheme === 'gs') {
    const rest = filepath.slice(scheme.length + 3);
    const slash = rest.indexOf('/');
    const bucket = slash < 0 ? rest : rest.slice(0, slash);
    const key = slash < 0 ? '' : rest.slice(slash + 1);
    if (!bucket || !key || key.endsWith('/')) {
      throw new InvalidDestinationError(filepath, `expected ${scheme}://<bucket>/<key> naming a file`);
    }
    const problem = bucketNameProblem(scheme, bucket) ?? objectKeyProblem(key);
    if (problem) throw new InvalidDestinationError(filepath, problem);
    return { kind: scheme, bucket, key };
  }
  throw new UnsupportedDestinationError(filepath, scheme);
}
