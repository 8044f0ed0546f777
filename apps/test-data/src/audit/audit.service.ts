import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AuditTrailRepository } from '@mes/test-data-store';

export interface AuditEntry {
  actor: string;
  action: string;
  entityType: string;
  entityKey: string;
  before?: unknown;
  after?: unknown;
}

/** Records changes in the audit trail through the caller's transaction, so a change and its record commit together. */
@Injectable()
export class AuditService {
  constructor(private readonly trail: AuditTrailRepository) {}

  async record(manager: EntityManager, entry: AuditEntry): Promise<void> {
    const json = (v: unknown) => (v === undefined || v === null ? null : JSON.stringify(v));
    await this.trail.insert(manager, { ...entry, before: json(entry.before), after: json(entry.after) });
  }
}
