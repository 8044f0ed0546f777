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
    const json = (v: unknown) => (v === undefined || v === null ? null : JSON.stringify(v));
    await manager.query(
      `INSERT INTO test_data.audit_records (actor, action, entity_type, entity_key, before, after) VALUES ($1, $2, $3, $4, $5::jsonb, $6::jsonb)`,
      [entry.actor, entry.action, entry.entityType, entry.entityKey, json(entry.before), json(entry.after)],
    );
  }
}
