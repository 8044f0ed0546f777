import { Args, Field, GraphQLISODateTime, ID, Int, ObjectType, Query, Resolver } from '@nestjs/graphql';
import { ProcessAuditRepository } from './process-audit.repository';

@ObjectType('ProcessAuditRecord', { description: 'Who changed what in the process data (recipes, runs, equipment, experiments, maps).' })
export class ProcessAuditRecordModel {
  @Field(() => ID) id!: string;
  @Field() actor!: string;
  @Field() action!: string;
  @Field() entityType!: string;
  @Field() entityId!: string;
  @Field() details!: string;
  @Field(() => GraphQLISODateTime) at!: Date;
}

@Resolver()
export class ProcessAuditResolver {
  constructor(private readonly audit: ProcessAuditRepository) {}

  @Query(() => [ProcessAuditRecordModel], {
    description: 'Process audit records, newest first, optionally for one entity (e.g. RECIPE "LCO-SPUTTER-10UM@2").',
  })
  async processAudit(
    @Args('entityType', { nullable: true }) entityType?: string,
    @Args('entityId', { nullable: true }) entityId?: string,
    @Args('limit', { type: () => Int, defaultValue: 100 }) limit = 100,
  ): Promise<ProcessAuditRecordModel[]> {
    const rows = await this.audit.list({ entityType, entityId }, limit);
    return rows.map((r) => ({ ...r, details: JSON.stringify(r.details) }));
  }
}
