import { Field, GraphQLISODateTime, ObjectType } from '@nestjs/graphql';

@ObjectType('HistoryEntry', { description: 'One thing that happened to a unit, with who and when.' })
export class HistoryEntryModel {
  @Field(() => GraphQLISODateTime) at!: Date;
  @Field() actor!: string;
  @Field({ description: 'SCAN, HOLD_PLACED, HOLD_RELEASED, GENEALOGY or CREATED' }) kind!: string;
  @Field() summary!: string;
}
