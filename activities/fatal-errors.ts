/**
 * Domain errors that no retry can fix (bad input recorded with an execution, a uid that names nothing) become
 * non-retryable failures, so the workflow learns of them at once instead of after a retry storm.
 */
import { ApplicationFailure } from '@temporalio/common';
import { NotFoundError, ValidationError } from '../src/errors';

export async function failFastOnDomainErrors<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof ValidationError || err instanceof NotFoundError) {
      throw ApplicationFailure.nonRetryable(err.message, err.name);
    }
    throw err;
  }
}
