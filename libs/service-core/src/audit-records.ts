import type { EntityManager } from 'typeorm';

/** One record of a service's append-only audit trail (the process and assembly shape: an entity id and a details document). */
export interface AuditEntry {
  actor: string;
  action: string;
  entityType: string;
  entityId: string;
  details?: Record<string, unknown>;
}

/**
 * Appends to `<schema>.audit_records` through the caller's transaction, one statement for any
 * number, so a change and its record commit together. The schema is the calling service's own
 * (a name, never input).
 */
export async function appendAuditRecords(m: EntityManager, schema: string, entries: AuditEntry[]): Promise<void> {
  if (entries.length === 0) return;
  if (!/^[a-z_]+$/.test(schema)) throw new Error(`appendAuditRecords: ${JSON.stringify(schema)} is not a schema name`);
  await m.query(
    `INSERT INTO ${schema}.audit_records (actor, action, entity_type, entity_id, details)
     SELECT * FROM unnest($1::varchar[], $2::varchar[], $3::varchar[], $4::varchar[], $5::jsonb[])`,
    [
      entries.map((e) => e.actor),
      entries.map((e) => e.action),
      entries.map((e) => e.entityType),
      entries.map((e) => e.entityId),
      entries.map((e) => JSON.stringify(e.details ?? {})),
    ],
  );
}
