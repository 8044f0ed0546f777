import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { AuditRecordEntity } from './audit-record.entity';

/** Tracking's audit trail: records written in the change's own transaction (through AuditService), and read newest first. */
@Injectable()
export class AuditRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Records in the caller's transaction, one statement for any number; before and after are JSON text or null. */
  async insert(
    m: EntityManager,
    records: { actor: string; action: string; entityType: string; entityKey: string; before: string | null; after: string | null }[],
  ): Promise<void> {
    await m.query(
      `INSERT INTO tracking.audit_records (actor, action, entity_type, entity_key, before, after)
       SELECT * FROM unnest($1::varchar[], $2::varchar[], $3::varchar[], $4::varchar[], $5::jsonb[], $6::jsonb[])`,
      [
        records.map((r) => r.actor),
        records.map((r) => r.action),
        records.map((r) => r.entityType),
        records.map((r) => r.entityKey),
        records.map((r) => r.before),
        records.map((r) => r.after),
      ],
    );
  }

  /** Newest first, optionally for one entity type and key; at most `limit` (1 to 1,000) records. */
  trail(filter: { entityType?: string; entityKey?: string }, limit: number): Promise<AuditRecordEntity[]> {
    const where: { entityType?: string; entityKey?: string } = {};
    if (filter.entityType) where.entityType = filter.entityType;
    if (filter.entityKey) where.entityKey = filter.entityKey;
    return this.db.getRepository(AuditRecordEntity).find({ where, order: { id: 'DESC' }, take: Math.min(Math.max(limit, 1), 1000) });
  }
}
