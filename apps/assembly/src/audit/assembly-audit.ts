import type { EntityManager } from 'typeorm';

export interface AssemblyAuditEntry {
  actor: string;
  action: string;
  entityType: string;
  entityId: string;
  details?: Record<string, unknown>;
}

/** Written through the caller's transaction, so a change and its record commit together. */
export async function recordAudit(m: EntityManager, ...entries: AssemblyAuditEntry[]): Promise<void> {
  if (entries.length === 0) return;
  await m.query(
    `INSERT INTO assembly.audit_records (actor, action, entity_type, entity_id, details)
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
