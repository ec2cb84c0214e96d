/**
 * A gs:// export destination through the official client: a resumable upload fed by a stream. GCS creates the object
 * only when the last chunk arrives; `abort()` destroys the stream and cancels the resumable session, so a failed or
 * cancelled export leaves no object.
 */
import type { Writable } from 'node:stream';
import { Storage } from '@google-cloud/storage';
import { PassThroughClient } from 'google-auth-library';
import type { GcsCredentials, GcsOptions } from '../connectors/connector-spec';
import type { ExportDestination } from './destination';
import { describeStorageError } from './storage-errors';

/** A multiple of 256 KiB, as resumable uploads require. */
const CHUNK_SIZE = 8 * 1024 * 1024;

export function createGcsStorage(credentials: GcsCredentials | undefined, options: GcsOptions = {}): Storage {
  return new Storage({
    apiEndpoint: options.apiEndpoint,
    projectId: options.projectId ?? credentials?.project_id,
    // Without credentials the request is anonymous (a public bucket): no auth header at all.
    ...(credentials ? { credentials } : { authClient: new PassThroughClient() }),
    // A custom endpoint (an emulator) is called without auth unless asked for.
    useAuthWithCustomEndpoint: options.authenticateCustomEndpoint ?? false,
    retryOptions: { maxRetries: 2, totalTimeout: 120 },
  });
}

export class GcsDestination implements ExportDestination {
  private stream?: Writable;
  private sessionUri?: string;

  constructor(
    private readonly storage: Storage,
    private readonly bucket: string,
    private readonly key: string,
    private readonly contentType: string,
    private readonly withConnector: boolean,
  ) {}

  private get url(): string {
    return `gs://${this.bucket}/${this.key}`;
  }

  open(): Promise<Writable> {
    const stream = this.storage
      .bucket(this.bucket)
      .file(this.key)
      // Chunked: each chunk is its own request, so a destroyed stream leaves no request (or socket) hanging open.
      .createWriteStream({ resumable: true, chunkSize: CHUNK_SIZE, contentType: this.contentType, validation: false });
    stream.on('uri', (uri: string) => (this.sessionUri = uri));
    this.stream = stream;
    return Promise.resolve(stream);
  }

  /** The writer waited for 'finish', which the resumable upload emits once the object exists. */
  commit(): Promise<void> {
    return Promise.resolve();
  }

  describeError(err: unknown): unknown {
    return describeStorageError(err, this.url, this.withConnector, true);
  }

  async abort(): Promise<void> {
    this.stream?.destroy(new Error('export aborted'));
    // Cancel the resumable session (its URI is its own credential), so nothing can complete it later.
    if (this.sessionUri) {
      await fetch(this.sessionUri, { method: 'DELETE', signal: AbortSignal.timeout(5_000) }).catch(() => undefined);
    }
  }
}
