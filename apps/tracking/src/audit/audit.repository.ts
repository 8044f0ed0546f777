import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { AuditRecordEntity } from './audit-record.entity';

/** Reads of tracking's audit trail (writes go through AuditService, inside the change's transaction). */
@Injectable()
export class AuditRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Newest first, optionally for one entity type and key; at most `limit` (1 to 1,000) records. */
  trail(filter: { entityType?: string; entityKey?: string }, limit: number): Promise<AuditRecordEntity[]> {
    const where: { entityType?: string; entityKey?: string } = {};
    if (filter.entityType) where.entityType = filter.entityType;
    if (filter.entityKey) where.entityKey = filter.entityKey;
    return this.db.getRepository(AuditRecordEntity).find({ where, order: { id: 'DESC' }, take: Math.min(Math.max(limit, 1), 1000) });
  }
}
