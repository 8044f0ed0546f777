import { Args, Int, Query, Resolver } from '@nestjs/graphql';
import { ENGINEERING, Roles } from '@mes/auth';
import { AuditRecordModel } from './audit.model';
import { AuditRepository } from './audit.repository';

@Resolver()
export class AuditResolver {
  constructor(private readonly audit: AuditRepository) {}

  @Roles(...ENGINEERING)
  @Query(() => [AuditRecordModel], { description: 'Newest audit records first, optionally for one entity.' })
  auditTrail(
    @Args('entityType', { nullable: true }) entityType?: string,
    @Args('entityKey', { nullable: true }) entityKey?: string,
    @Args('limit', { type: () => Int, defaultValue: 100 }) limit = 100,
  ): Promise<AuditRecordModel[]> {
    return this.audit.trail({ entityType, entityKey }, limit);
  }
}
