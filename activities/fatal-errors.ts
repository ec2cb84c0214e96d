/**
 * Domain errors that no retry can fix (bad input recorded with an execution, a uid that names nothing, a missing or
 * wrong secret key, a storage destination refusing the credentials or missing its bucket) become
 * non-retryable failures, so the workflow learns of them at once instead of after a retry storm.
 */
import { ApplicationFailure } from '@temporalio/common';
import { NotFoundError, ValidationError } from '../src/errors';
import { ExportDestinationError } from '../src/export/storage-errors';
import { SecretDecryptionError, SecretKeyError } from '../src/connectors/secret-box';

export async function failFastOnDomainErrors<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    const permanent =
      err instanceof ValidationError ||
      err instanceof NotFoundError ||
      err instanceof SecretKeyError ||
      err instanceof SecretDecryptionError ||
      (err instanceof ExportDestinationError && err.permanent);
    if (permanent) {
      throw ApplicationFailure.nonRetryable(err.message, err.name);
    }
    throw err;
  }
}
