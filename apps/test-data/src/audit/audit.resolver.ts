import { Args, Field, GraphQLISODateTime, ID, Int, ObjectType, Query, Resolver } from '@nestjs/graphql';
import { ENGINEERING, Roles } from '@mes/auth';
import { DomainError } from '@mes/service-core';
import { AuditTrailRepository } from '@mes/test-data-store';

@ObjectType('TestDataAuditRecord', {
  description: 'One change in the test-data service: who, what, and the record before and after (JSON).',
})
export class TestDataAuditRecordModel {
  @Field(() => ID) id!: string;
  @Field(() => GraphQLISODateTime) at!: Date;
  @Field() actor!: string;
  @Field() action!: string;
  @Field() entityType!: string;
  @Field() entityKey!: string;
  @Field(() => String, { nullable: true, description: 'The record before the change, as JSON text.' }) before!: string | null;
  @Field(() => String, { nullable: true, description: 'The record after the change, as JSON text.' }) after!: string | null;
}

@Resolver()
export class AuditResolver {
  constructor(private readonly trail: AuditTrailRepository) {}

  @Roles(...ENGINEERING)
  @Query(() => [TestDataAuditRecordModel], {
    description:
      'Newest audit records of the test-data service first (rigs, test policies, rule sets, re-binning), optionally for one entity.',
  })
  async testDataAuditTrail(
    @Args('entityType', { nullable: true }) entityType?: string,
    @Args('entityKey', { nullable: true }) entityKey?: string,
    @Args('limit', { type: () => Int, defaultValue: 100 }) limit = 100,
  ): Promise<TestDataAuditRecordModel[]> {
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
      throw new DomainError('VALIDATION_FAILED', `limit must be between 1 and 1000, got ${limit}`, [
        { path: 'limit', message: 'expected 1..1000' },
      ]);
    }
    const records = await this.trail.newestFirst({ entityType, entityKey }, limit);
    const text = (v: object | null) => (v === null ? null : JSON.stringify(v));
    return records.map((r) => ({ ...r, before: text(r.before), after: text(r.after) }));
  }
}
