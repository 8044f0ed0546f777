import { DomainError } from './domain-error';

/** The database could not be reached or went away mid-statement: the caller may retry once it is back. */
export function isStorageUnavailable(e: unknown): boolean {
  const code = (e as { code?: string } | null)?.code ?? '';
  const message = e instanceof Error ? e.message : '';
  return (
    ['ECONNREFUSED', 'ECONNRESET', '57P01', '57P03', '08006', '08001'].includes(code) ||
    /Connection terminated|timeout exceeded when trying to connect/i.test(message)
  );
}

/**
 * PostgreSQL refuses text it cannot store (U+0000 above all, which no text column holds) with an
 * encoding error; that is the caller's input, not a fault of the server, so it is a 400 naming it.
 * Found by fuzzing: a recipe name "\u0000" was answered with an internal error.
 */
export function unstorableText(e: unknown): DomainError | null {
  const code = (e as { code?: string } | null)?.code ?? '';
  if (code !== '22021' && code !== '22P05') return null;
  return new DomainError(
    'VALIDATION_FAILED',
    'A text value contains a character that cannot be stored (such as U+0000, the NUL character): remove it and send again; nothing was stored',
    [{ path: '', message: 'expected text without NUL (U+0000) characters' }],
  );
}
