import { Field, Float, Int, ObjectType } from '@nestjs/graphql';

@ObjectType('ConditionYield', { description: 'Yield of the cells made under one condition (a parameter value or an experiment arm).' })
export class ConditionYieldModel {
  @Field() condition!: string;
  @Field(() => Int, { description: 'Process runs (segments) made under it.' }) runs!: number;
  @Field(() => Int) cellsTested!: number;
  @Field(() => Int) cellsPassed!: number;
  @Field(() => Float, { nullable: true }) firstPassYield!: number | null;
  @Field(() => Float, { nullable: true }) finalYield!: number | null;
  @Field(() => Float, {
    nullable: true,
    description: 'Lower end of the 95 % Wilson interval of the final yield (null when no cell was tested).',
  })
  finalYieldLow!: number | null;
  @Field(() => Float, { nullable: true, description: 'Upper end of the 95 % Wilson interval of the final yield.' }) finalYieldHigh!:
    number | null;
  @Field(() => Float, {
    nullable: true,
    description:
      'p-value of this condition’s final yield against every other condition pooled (Fisher exact for small counts, else chi-square).',
  })
  pValueVsOthers!: number | null;
}

@ObjectType('YieldComparison', { description: 'Whether the final yields of the conditions differ beyond chance.' })
export class YieldComparisonModel {
  @Field(() => [ConditionYieldModel]) conditions!: ConditionYieldModel[];
  @Field({
    description: 'FISHER_EXACT (two conditions with small expected counts), CHI_SQUARE, or NONE (fewer than two tested conditions).',
  })
  test!: string;
  @Field(() => Float, { nullable: true, description: 'The chi-square statistic (null for Fisher’s exact test).' }) statistic!:
    number | null;
  @Field(() => Int, { nullable: true }) degreesOfFreedom!: number | null;
  @Field(() => Float, { nullable: true }) pValue!: number | null;
  @Field({ description: 'pValue below 1 − confidence.' }) significant!: boolean;
  @Field(() => Float) confidence!: number;
}
