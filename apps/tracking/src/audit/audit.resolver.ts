import { Args, Int, Query, Resolver } from '@nestjs/graphql';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { ENGINEERING, Roles } from '@mes/auth';
import { AuditRecordEntity } from './audit-record.entity';
import { AuditRecordModel } from './audit.model';

@Resolver()
export class AuditResolver {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  @Roles(...ENGINEERING)
  @Query(() => [AuditRecordModel], { description: 'Newest audit records first, optionally for one entity.' })
  async auditTrail(
    @Args('entityType', { nullable: true }) entityType?: string,
    @Args('entityKey', { nullable: true }) entityKey?: string,
    @Args('limit', { type: () => Int, defaultValue: 100 }) limit = 100,
  ): Promise<AuditRecordModel[]> {
    const where: { entityType?: string; entityKey?: string } = {};
    if (entityType) where.entityType = entityType;
    if (entityKey) where.entityKey = entityKey;
    return this.db.getRepository(AuditRecordEntity).find({ where, order: { id: 'DESC' }, take: Math.min(Math.max(limit, 1), 1000) });
  }
}
