/** SQLSTATE codes the repositories translate into typed errors. */
export const UNIQUE_VIOLATION = '23505';
export const FOREIGN_KEY_VIOLATION = '23503';
export const UNDEFINED_TABLE = '42P01';

export function sqlState(err: unknown): string | undefined {
  return (err as { code?: string } | undefined)?.code;
}

/**
 * PostgreSQL is unreachable or refusing work for now (restarting, connections terminated, not accepting
 * connections, too many clients): worth retrying later, never a verdict on the data.
 */
export function isDatabaseUnavailable(err: unknown): boolean {
  const code = sqlState(err);
  if (code === undefined) {
    return /Connection terminated|connection timeout|Client has encountered a connection error/i.test(
      err instanceof Error ? err.message : '',
    );
  }
  const message = err instanceof Error ? err.message : '';
  return (
    code.startsWith('08') || // connection exceptions
    ['57P01', '57P02', '57P03', '53300'].includes(code) || // shut down, cannot connect now, too many clients
    (code === '55000' && /not currently accepting connections/.test(message)) ||
    ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN'].includes(code)
  );
}
