import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { TestDataAuditRecordEntity } from '../audit-record.entity';

/** The test-data audit trail: records written in the change's own transaction (through AuditService), and read newest first. */
@Injectable()
export class AuditTrailRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** One record, in the caller's transaction; before and after are JSON text or null. */
  async insert(
    m: EntityManager,
    r: { actor: string; action: string; entityType: string; entityKey: string; before: string | null; after: string | null },
  ): Promise<void> {
    await m.query(
      `INSERT INTO test_data.audit_records (actor, action, entity_type, entity_key, before, after) VALUES ($1, $2, $3, $4, $5::jsonb, $6::jsonb)`,
      [r.actor, r.action, r.entityType, r.entityKey, r.before, r.after],
    );
  }

  /** Newest first, optionally for one entity type and key. */
  newestFirst(filter: { entityType?: string; entityKey?: string }, limit: number): Promise<TestDataAuditRecordEntity[]> {
    const where: { entityType?: string; entityKey?: string } = {};
    if (filter.entityType) where.entityType = filter.entityType;
    if (filter.entityKey) where.entityKey = filter.entityKey;
    return this.db.getRepository(TestDataAuditRecordEntity).find({ where, order: { id: 'DESC' }, take: limit });
  }
}
