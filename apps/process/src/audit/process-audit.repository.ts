import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { ProcessAuditEntity } from '../database/process.entities';

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
