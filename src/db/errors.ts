/** SQLSTATE codes the repositories translate into typed errors. */
export const UNIQUE_VIOLATION = '23505';
export const FOREIGN_KEY_VIOLATION = '23503';
export const CHECK_VIOLATION = '23514';

export function sqlState(err: unknown): string | undefined {
  return (err as { code?: string } | undefined)?.code;
}

/** The constraint a violation names (e.g. `datasets_name_key`). */
export function constraintOf(err: unknown): string | undefined {
  return (err as { constraint?: string } | undefined)?.constraint;
}
