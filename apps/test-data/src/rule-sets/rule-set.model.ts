import { Field, GraphQLISODateTime, ID, InputType, Int, ObjectType } from '@nestjs/graphql';
import { IsOptional, IsString, MaxLength } from 'class-validator';

@ObjectType('RuleSetVersion', {
  description: 'A version of a product’s bin rule set; new tests and re-binning use the newest RELEASED one.',
})
export class RuleSetVersionModel {
  @Field() productCode!: string;
  @Field(() => Int) version!: number;
  @Field() name!: string;
  @Field({ description: 'DRAFT or RELEASED.' }) status!: string;
  @Field({ description: 'The rule set (@mes/binning RuleSet) as JSON text.' }) ruleSet!: string;
  @Field() createdBy!: string;
  @Field(() => GraphQLISODateTime) createdAt!: Date;
  @Field(() => String, { nullable: true }) releasedBy!: string | null;
  @Field(() => GraphQLISODateTime, { nullable: true }) releasedAt!: Date | null;
}

@InputType({
  description:
    'What to re-bin: exactly one of a sheet, a roll, or a range of times the tests were received (from inclusive, to exclusive).',
})
export class RebinInput {
  @Field({ nullable: true }) @IsOptional() @IsString() @MaxLength(64) sheet?: string;
  @Field({ nullable: true }) @IsOptional() @IsString() @MaxLength(64) roll?: string;
  @Field(() => GraphQLISODateTime, { nullable: true }) @IsOptional() receivedFrom?: Date;
  @Field(() => GraphQLISODateTime, { nullable: true }) @IsOptional() receivedTo?: Date;
}

@ObjectType('RebinRequest', { description: 'A re-binning run in the background: QUEUED, RUNNING, DONE or FAILED.' })
export class RebinRequestModel {
  @Field(() => ID) id!: string;
  @Field() status!: string;
  @Field(() => String, { nullable: true }) sheet!: string | null;
  @Field(() => String, { nullable: true }) roll!: string | null;
  @Field(() => GraphQLISODateTime, { nullable: true }) receivedFrom!: Date | null;
  @Field(() => GraphQLISODateTime, { nullable: true }) receivedTo!: Date | null;
  @Field(() => Int, { nullable: true, description: 'Binned tests in the scope when the worker ran.' }) testsInScope!: number | null;
  @Field(() => Int, { nullable: true, description: 'Of those, the tests that were not at their product’s newest released rule set yet.' })
  testsRebinned!: number | null;
  @Field(() => String, { nullable: true }) error!: string | null;
  @Field() requestedBy!: string;
  @Field(() => GraphQLISODateTime) requestedAt!: Date;
  @Field(() => GraphQLISODateTime, { nullable: true }) finishedAt!: Date | null;
}
