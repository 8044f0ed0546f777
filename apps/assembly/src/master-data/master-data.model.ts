import { Field, Float, InputType, Int, ObjectType } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsInt,
  IsNumber,
  IsOptional,
  IsPositive,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';

@ObjectType({ description: 'A step of a stack product’s route, reached by scanning the stack at a station of its operation.' })
export class StackRouteStepModel {
  @Field() operation!: string;
  @Field(() => Float, {
    nullable: true,
    description: 'The hottest the step gets (°C); null near room temperature. A step above 180 °C takes AS_MADE stacks only.',
  })
  maxTemperatureC!: number | null;
}

@InputType()
export class StackRouteStepInput {
  @Field()
  @Matches(/^[A-Z][A-Z0-9_]{0,31}$/, { message: 'expected an operation code: capitals, digits and "_", up to 32' })
  operation!: string;
  @Field(() => Float, { nullable: true }) @IsOptional() @IsNumber() maxTemperatureC?: number | null;
}

@ObjectType({
  description: 'A multilayer battery: N cells of one cell product in parallel, with its matching rules and final-test limits.',
})
export class StackProductModel {
  @Field() code!: string;
  @Field() name!: string;
  @Field() cellProductCode!: string;
  @Field(() => Float) targetCapacityMah!: number;
  @Field(() => Float, { description: 'A layer’s capacity where no thickness-based prediction is known.' }) nominalCellCapacityMah!: number;
  @Field(() => Int) maxLayers!: number;
  @Field(() => Int, { description: 'N = ceil(target / nominal layer capacity).' }) layers!: number;
  @Field(() => [Int]) allowedGrades!: number[];
  @Field(() => Float) asrSpreadPct!: number;
  @Field(() => Float) capacitySpreadPct!: number;
  @Field(() => Float, { nullable: true, description: 'null: layers from anywhere; else one roll within this MD span.' }) maxMdSpanMm!:
    number | null;
  @Field(() => Float) ocvMinV!: number;
  @Field(() => Float) ocvMaxV!: number;
  @Field(() => Float, { description: 'Largest RMS relative deviation from 1/Σ(1/Z) that passes.' }) impedanceTolerance!: number;
  @Field(() => [StackRouteStepModel], { description: 'The stack’s route after singulation, STACKING first; the final test is STACK_TEST.' })
  route!: StackRouteStepModel[];
}

@InputType()
export class CreateStackProductInput {
  @Field() @Matches(/^[A-Z0-9][A-Z0-9._-]{0,31}$/, { message: 'expected 1-32 capitals, digits, ".", "_" or "-"' }) code!: string;
  @Field() @IsString() @MaxLength(200) name!: string;
  @Field() @IsString() @MaxLength(32) cellProductCode!: string;
  @Field(() => Float) @IsNumber() @IsPositive() @Max(100000) targetCapacityMah!: number;
  @Field(() => Float) @IsNumber() @IsPositive() @Max(100000) nominalCellCapacityMah!: number;
  @Field(() => Int) @IsInt() @Min(1) @Max(500) maxLayers!: number;
  @Field(() => [Int])
  @ArrayMinSize(1)
  @ArrayMaxSize(9)
  @IsInt({ each: true })
  @Min(1, { each: true })
  @Max(9, { each: true })
  allowedGrades!: number[];
  @Field(() => Float, { defaultValue: 10 }) @IsNumber() @IsPositive() @Max(100) asrSpreadPct!: number;
  @Field(() => Float, { defaultValue: 5 }) @IsNumber() @IsPositive() @Max(100) capacitySpreadPct!: number;
  @Field(() => Float, { nullable: true }) @IsOptional() @IsNumber() @IsPositive() maxMdSpanMm?: number | null;
  @Field(() => Float, { defaultValue: 0.1 }) @IsNumber() @Min(0) @Max(6) ocvMinV!: number;
  @Field(() => Float, { defaultValue: 4.3 }) @IsNumber() @Min(0) @Max(6) ocvMaxV!: number;
  @Field(() => Float, { defaultValue: 0.05 }) @IsNumber() @IsPositive() @Max(1) impedanceTolerance!: number;
  @Field(() => [StackRouteStepInput], {
    nullable: true,
    description: 'The route after singulation (default STACKING → FORMATION → STACK_TEST, all near room temperature).',
  })
  @IsOptional()
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  @Type(() => StackRouteStepInput)
  route?: StackRouteStepInput[] | null;
}

@ObjectType()
export class WorkOrderModel {
  @Field() code!: string;
  @Field() stackProductCode!: string;
  @Field(() => Int) quantity!: number;
  @Field(() => Int, { description: 'Stacks started against this order.' }) stacksStarted!: number;
  @Field(() => Int, { description: 'Stacks with all their layers.' }) stacksBuilt!: number;
  @Field(() => Int, { description: 'Stacks with a final test (scrapped ones included).' }) stacksTested!: number;
  @Field(() => Int, { description: 'Stacks whose final test passed and that are not scrapped.' }) stacksPassed!: number;
  @Field(() => Int, { description: 'Stacks scrapped (a SCRAP disposition of a hold on one of their layers).' }) stacksScrapped!: number;
  @Field(() => Float, { nullable: true, description: 'Stack yield: passed / tested; null before the first test.' })
  stackYield!: number | null;
  @Field() status!: string;
}

@InputType()
export class CreateWorkOrderInput {
  @Field() @Matches(/^[A-Z0-9][A-Z0-9._-]{0,31}$/, { message: 'expected 1-32 capitals, digits, ".", "_" or "-"' }) code!: string;
  @Field() @IsString() @MaxLength(32) stackProductCode!: string;
  @Field(() => Int) @IsInt() @Min(1) @Max(1_000_000) quantity!: number;
}
