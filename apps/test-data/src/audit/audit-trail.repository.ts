import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { TestDataAuditRecordEntity } from '@mes/test-data-store';

/** Reads the test-data audit trail (AuditService writes it, in the change's own transaction). */
@Injectable()
export class AuditTrailRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Newest first, optionally for one entity type and key. */
  newestFirst(filter: { entityType?: string; entityKey?: string }, limit: number): Promise<TestDataAuditRecordEntity[]> {
    const where: { entityType?: string; entityKey?: string } = {};
    if (filter.entityType) where.entityType = filter.entityType;
    if (filter.entityKey) where.entityKey = filter.entityKey;
    return this.db.getRepository(TestDataAuditRecordEntity).find({ where, order: { id: 'DESC' }, take: limit });
  }
}
