import type { EntityManager } from 'typeorm';
import { appendAuditRecords, type AuditEntry } from '@mes/service-core';

/** Written through the caller's transaction, so a change and its record commit together. */
export function recordAudit(m: EntityManager, ...entries: AuditEntry[]): Promise<void> {
  return appendAuditRecords(m, 'assembly', entries);
}
