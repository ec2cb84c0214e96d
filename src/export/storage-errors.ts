/**
 * Failures of a remote export destination, in one clear sentence that names the destination and what to do,
 * never a secret. `permanent` failures (bad credentials, no bucket, access denied) are not retried. The client's
 * error is not kept as `cause`: storage clients attach the request to it, headers (an access token) included, and
 * the worker logs causes.
 */
import { JudgeflowError } from '../errors';

export class ExportDestinationError extends JudgeflowError {
  constructor(
    readonly destination: string,
    message: string,
    readonly permanent: boolean,
  ) {
    super(message);
  }
}

const AUTH_CODES = new Set([
  'InvalidAccessKeyId',
  'SignatureDoesNotMatch',
  'XAdminUserNotFound',
  'InvalidToken',
  'ExpiredToken',
  'AuthorizationHeaderMalformed',
  'InvalidClientTokenId',
]);
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'ECONNRESET', 'EHOSTUNREACH']);

/**
 * Turns an S3 or GCS client error into an ExportDestinationError (other errors are returned unchanged). With
 * `notFoundIsBucket` any 404 means the bucket does not exist: a Cloud Storage upload creates its object, so the
 * bucket is the only thing it can miss, and its 404 says no more than "Request failed with status code 404".
 */
export function describeStorageError(
  err: unknown,
  destination: string,
  withConnector: boolean,
  notFoundIsBucket = false,
): Error {
  if (err instanceof ExportDestinationError || !(err instanceof Error))
    return err instanceof Error ? err : new Error(String(err));
  const e = err as Error & {
    code?: unknown;
    status?: unknown;
    $metadata?: { httpStatusCode?: number };
    cause?: unknown;
  };
  const code = typeof e.code === 'string' ? e.code : e.name;
  const status =
    e.$metadata?.httpStatusCode ??
    (typeof e.code === 'number' ? e.code : typeof e.status === 'number' ? e.status : undefined);
  const causeCode = (e.cause as { code?: unknown } | undefined)?.code;
  if (
    NETWORK_CODES.has(code) ||
    (typeof causeCode === 'string' && NETWORK_CODES.has(causeCode)) ||
    e.name === 'TimeoutError'
  ) {
    return new ExportDestinationError(
      destination,
      `the storage endpoint for ${destination} is not reachable (${typeof causeCode === 'string' ? causeCode : code}); check the connector config's endpoint`,
      false,
    );
  }
  if (AUTH_CODES.has(code) || status === 401) {
    return new ExportDestinationError(
      destination,
      `authentication failed for ${destination} (${code}): check the credentials of the connector config`,
      true,
    );
  }
  if (code === 'NoSuchBucket' || (status === 404 && (notFoundIsBucket || /bucket/i.test(e.message)))) {
    return new ExportDestinationError(destination, `the bucket of ${destination} does not exist`, true);
  }
  if (code === 'AccessDenied' || status === 403) {
    return new ExportDestinationError(
      destination,
      withConnector
        ? `access denied to ${destination}: the connector config's credentials may not write there`
        : `access denied to ${destination}: the bucket is private; pass connectorConfigUid with credentials that may write to it`,
      true,
    );
  }
  return new ExportDestinationError(destination, `writing ${destination} failed: ${e.message}`, false);
}
