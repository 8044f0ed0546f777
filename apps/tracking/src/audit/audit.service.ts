import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

export interface AuditEntry {
  actor: string;
  action: string;
  entityType: string;
  entityKey: string;
  before?: unknown;
  after?: unknown;
}

/** Writes audit records through the caller's transaction, so a change and its record commit together. */
@Injectable()
export class AuditService {
  async record(manager: EntityManager, entry: AuditEntry): Promise<void> {
    await this.recordMany(manager, [entry]);
  }

  async recordMany(manager: EntityManager, entries: AuditEntry[]): Promise<void> {
    if (entries.length === 0) return;
    const json = (v: unknown) => (v === undefined || v === null ? null : JSON.stringify(v));
    await manager.query(
      `INSERT INTO tracking.audit_records (actor, action, entity_type, entity_key, before, after)
       SELECT * FROM unnest($1::varchar[], $2::varchar[], $3::varchar[], $4::varchar[], $5::jsonb[], $6::jsonb[])`,
      [
        entries.map((e) => e.actor),
        entries.map((e) => e.action),
        entries.map((e) => e.entityType),
        entries.map((e) => e.entityKey),
        entries.map((e) => json(e.before)),
        entries.map((e) => json(e.after)),
      ],
    );
  }
}
