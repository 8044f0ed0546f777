import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AuditRepository } from './audit.repository';

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
  constructor(private readonly trail: AuditRepository) {}

  async record(manager: EntityManager, entry: AuditEntry): Promise<void> {
    await this.recordMany(manager, [entry]);
  }

  async recordMany(manager: EntityManager, entries: AuditEntry[]): Promise<void> {
    if (entries.length === 0) return;
    const json = (v: unknown) => (v === undefined || v === null ? null : JSON.stringify(v));
    await this.trail.insert(
      manager,
      entries.map((e) => ({ ...e, before: json(e.before), after: json(e.after) })),
    );
  }
}
