import { Field, GraphQLISODateTime, ID, ObjectType } from '@nestjs/graphql';
import GraphQLJSON from './json.scalar';

@ObjectType('AuditRecord')
export class AuditRecordModel {
  @Field(() => ID) id!: string;
  @Field(() => GraphQLISODateTime) at!: Date;
  @Field() actor!: string;
  @Field() action!: string;
  @Field() entityType!: string;
  @Field() entityKey!: string;
  @Field(() => GraphQLJSON, { nullable: true }) before!: unknown;
  @Field(() => GraphQLJSON, { nullable: true }) after!: unknown;
}
