import { DomainError, type ErrorDetail } from '@mes/service-core';

/** Refuse an input with every problem found (path and message each), naming the first in the message. */
export function refuseIfProblems(what: string, problems: ErrorDetail[]): void {
  if (problems.length === 0) return;
  const more = problems.length > 1 ? ` (and ${problems.length - 1} more problem${problems.length > 2 ? 's' : ''})` : '';
  throw new DomainError('VALIDATION_FAILED', `${what}: ${problems[0].path}: ${problems[0].message}${more}`, problems);
}
