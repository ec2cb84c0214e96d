/**
 * An s3:// export destination through the official client: a multipart `Upload` fed by a stream, so memory stays at
 * a few parts whatever the size. The object exists only once the upload completes; `abort()` ends the body with an
 * error and aborts the upload and its multipart upload (no object, no pending parts), also while its last parts
 * are still going up.
 */
import { PassThrough, type Writable } from 'node:stream';
import { AbortMultipartUploadCommand, S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import type { S3Credentials, S3Options } from '../connectors/connector-spec';
import type { ExportDestination } from './destination';
import { describeStorageError } from './storage-errors';

/**
 * S3's smallest part, two in flight while the next one fills: an export's peak RSS grows with part size × parts in
 * flight (and the garbage of the copies lib-storage makes of each part), by about 30 MB from 8 MB parts on a 1M-row
 * JSON export (docs/performance.md), with no loss of speed against a local store.
 */
const PART_SIZE = 5 * 1024 * 1024;
const PARTS_IN_FLIGHT = 2;

export function createS3Client(credentials: S3Credentials | undefined, options: S3Options = {}): S3Client {
  return new S3Client({
    region: options.region ?? 'us-east-1',
    endpoint: options.endpoint,
    forcePathStyle: options.forcePathStyle,
    // Without credentials the request is anonymous (a public bucket): nothing is signed.
    ...(credentials
      ? { credentials }
      : {
          credentials: { accessKeyId: '', secretAccessKey: '' },
          signer: { sign: (request) => Promise.resolve(request) },
        }),
    maxAttempts: 3,
    requestHandler: { connectionTimeout: 5_000, requestTimeout: 120_000 },
  });
}

export class S3Destination implements ExportDestination {
  private body?: PassThrough;
  private upload?: Upload;
  private done?: Promise<unknown>;

  constructor(
    private readonly client: S3Client,
    private readonly bucket: string,
    private readonly key: string,
    private readonly contentType: string,
    private readonly withConnector: boolean,
  ) {}

  private get url(): string {
    return `s3://${this.bucket}/${this.key}`;
  }

  open(): Promise<Writable> {
    this.body = new PassThrough();
    this.upload = new Upload({
      client: this.client,
      params: { Bucket: this.bucket, Key: this.key, Body: this.body, ContentType: this.contentType },
      partSize: PART_SIZE,
      queueSize: PARTS_IN_FLIGHT,
      leavePartsOnError: false,
    });
    this.done = this.upload.done();
    // A failed upload stops reading the body: fail the writer too, or it would wait for 'drain' forever.
    this.done.catch((err: unknown) => this.body?.destroy(err instanceof Error ? err : new Error(String(err))));
    return Promise.resolve(this.body);
  }

  async commit(): Promise<void> {
    await this.done;
  }

  describeError(err: unknown): unknown {
    return describeStorageError(err, this.url, this.withConnector);
  }

  async abort(): Promise<void> {
    this.body?.destroy(new Error('export aborted'));
    // The body may be read to its end already, with parts still going up: stop those too.
    await this.upload?.abort();
    await this.done?.catch(() => undefined);
    // The upload aborts its multipart upload on a body error; make sure, in case it had not learnt its id yet.
    const uploadId = this.upload?.uploadId;
    if (uploadId) {
      await this.client
        .send(new AbortMultipartUploadCommand({ Bucket: this.bucket, Key: this.key, UploadId: uploadId }))
        .catch(() => undefined);
    }
  }
}
