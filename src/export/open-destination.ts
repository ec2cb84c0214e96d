/** The destination an export activity writes to, from the location recorded with the export and its connector. */
import type { ConnectorSpec } from '../connectors/connector-spec';
import { parseDestination, type ExportDestination } from './destination';
import { InvalidDestinationError } from './errors';
import { LocalFileDestination } from './local-destination';
import { checkWorkerDestination, type LocalExportPolicy } from './local-policy';

const CONTENT_TYPES = { json: 'application/json', csv: 'text/csv; charset=utf-8' } as const;

/** Where requests without a connector config go, when not to AWS S3 / Google Cloud Storage. */
export interface AnonymousEndpoints {
  s3Endpoint?: string;
  gcsApiEndpoint?: string;
}

/**
 * The storage clients load only when an export goes to their kind of bucket: together they take a few hundred ms
 * to import, which every command line call and worker start would otherwise pay.
 */
export async function openDestination(
  location: string,
  format: 'json' | 'csv',
  connector: ConnectorSpec | undefined,
  anonymous: AnonymousEndpoints,
  local: LocalExportPolicy,
): Promise<ExportDestination> {
  const parsed = parseDestination(location);
  if (parsed.kind === 'local')
    return new LocalFileDestination(await checkWorkerDestination(parsed.path, local), local.overwrite);
  const expected = parsed.kind === 's3' ? 's3' : 'gcs';
  if (connector && connector.type !== expected) {
    throw new InvalidDestinationError(
      location,
      `a ${connector.type} connector config cannot write to ${parsed.kind}:// (use a ${expected} one)`,
    );
  }
  const contentType = CONTENT_TYPES[format];
  if (parsed.kind === 's3') {
    const c = connector?.type === 's3' ? connector : undefined;
    const options =
      c?.options ?? (anonymous.s3Endpoint ? { endpoint: anonymous.s3Endpoint, forcePathStyle: true } : {});
    const { createS3Client, S3Destination } = await import('./s3-destination');
    return new S3Destination(createS3Client(c?.credentials, options), parsed.bucket, parsed.key, contentType, !!c);
  }
  const c = connector?.type === 'gcs' ? connector : undefined;
  const options = c?.options ?? { apiEndpoint: anonymous.gcsApiEndpoint };
  const { createGcsStorage, GcsDestination } = await import('./gcs-destination');
  return new GcsDestination(createGcsStorage(c?.credentials, options), parsed.bucket, parsed.key, contentType, !!c);
}
