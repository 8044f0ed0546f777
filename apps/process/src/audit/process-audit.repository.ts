import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { appendAuditRecords, type AuditEntry } from '@mes/service-core';
import { ProcessAuditEntity } from '../database/process.entities';

/** Written through the caller's transaction, so a change and its record commit together. */
export function recordAudit(m: EntityManager, ...entries: AuditEntry[]): Promise<void> {
  return appendAuditRecords(m, 'process', entries);
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
