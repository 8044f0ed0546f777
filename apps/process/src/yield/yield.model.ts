import { Field, Float, Int, ObjectType } from '@nestjs/graphql';

@ObjectType('ConditionYield', { description: 'Yield of the cells made under one condition (a parameter value or an experiment arm).' })
export class ConditionYieldModel {
  @Field() condition!: string;
  @Field(() => Int, { description: 'Process runs (segments) made under it.' }) runs!: number;
  @Field(() => Int) cellsTested!: number;
  @Field(() => Int) cellsPassed!: number;
  @Field(() => Float, { nullable: true }) firstPassYield!: number | null;
  @Field(() => Float, { nullable: true }) finalYield!: number | null;
}
