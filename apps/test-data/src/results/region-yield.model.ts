import { Field, Float, InputType, Int, ObjectType } from '@nestjs/graphql';
import { IsNumber, IsString, MaxLength } from 'class-validator';
import type { LabelledRegion, RegionYieldRow } from '@mes/test-data-store';

@InputType({ description: 'An MD region of a roll under a label (a recipe parameter value, an experiment arm, ...).' })
export class RegionInput implements LabelledRegion {
  @Field() @IsString() @MaxLength(200) label!: string;
  @Field() @IsString() rollBarcode!: string;
  @Field(() => Float) @IsNumber() mdStartMm!: number;
  @Field(() => Float) @IsNumber() mdEndMm!: number;
}

@ObjectType('RegionYield', {
  description: 'Cells whose centre lies in the label’s regions: how many were tested and passed, first pass and final.',
})
export class RegionYieldModel implements RegionYieldRow {
  @Field() label!: string;
  @Field(() => Int) cellsTested!: number;
  @Field(() => Int, { description: 'Cells whose current result is a pass bin.' }) cellsPassed!: number;
  @Field(() => Float, { nullable: true }) firstPassYield!: number | null;
  @Field(() => Float, { nullable: true }) finalYield!: number | null;
}
