import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { ProcessAuditEntity } from '../database/process.entities';

export interface ProcessAuditEntry {
  actor: string;
  action: string;
  entityType: string;
  entityId: string;
  details?: Record<string, unknown>;
}

/** Written through the caller's transaction, so a change and its record commit together. */
export async function recordAudit(m: EntityManager, ...entries: ProcessAuditEntry[]): Promise<void> {
  if (entries.length === 0) return;
  await m.query(
    `INSERT INTO process.audit_records (actor, action, entity_type, entity_id, details)
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

/** Reads the process audit trail (records are written by recordAudit in the change's own transaction). */
@Injectable()
export class ProcessAuditRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Newest first, optionally for one entity type and id; at most 1000. */
  list(filter: { entityType?: string; entityId?: string }, limit: number): Promise<ProcessAuditEntity[]> {
    return this.db.getRepository(ProcessAuditEntity).find({
      where: { ...(filter.entityType ? { entityType: filter.entityType } : {}), ...(filter.entityId ? { entityId: filter.entityId } : {}) },
      order: { id: 'DESC' },
      take: Math.min(Math.max(limit, 1), 1000),
    });
  }
}
