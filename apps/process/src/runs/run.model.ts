import { Field, Float, GraphQLISODateTime, ID, InputType, Int, ObjectType } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsNumber, IsOptional, IsString, MaxLength, ValidateNested } from 'class-validator';
import { RecipeRefInput } from '../recipes/recipe.model';

@ObjectType('ActualValue', { description: 'A value recorded at track-out, with the recipe’s target and limits.' })
export class ActualValueModel {
  @Field() parameter!: string;
  @Field(() => Float, { nullable: true }) value!: number | null;
  @Field(() => String, { nullable: true }) text!: string | null;
  @Field(() => String, { nullable: true }) unit!: string | null;
  @Field(() => Float, { nullable: true }) target!: number | null;
  @Field(() => Float, { nullable: true }) lowerLimit!: number | null;
  @Field(() => Float, { nullable: true }) upperLimit!: number | null;
  @Field({ description: 'False when the value is outside the limits.' }) inSpec!: boolean;
}

@ObjectType('ProcessAlarm', { description: 'An out-of-spec actual or a trace out of its band, and the hold it placed.' })
export class ProcessAlarmModel {
  @Field(() => ID) id!: string;
  @Field() kind!: string;
  @Field() subject!: string;
  @Field() rollBarcode!: string;
  @Field(() => String, { nullable: true }) sheetBarcode!: string | null;
  @Field(() => Float) mdStartMm!: number;
  @Field(() => Float) mdEndMm!: number;
  @Field() reason!: string;
  @Field(() => String, { nullable: true, description: 'Null until tracking has placed the hold.' }) holdId!: string | null;
  @Field(() => GraphQLISODateTime) createdAt!: Date;
}

@ObjectType('ProcessRun', { description: 'One recipe version run on one piece of equipment over an MD segment of a roll (or one sheet).' })
export class ProcessRunModel {
  @Field(() => ID) id!: string;
  @Field() rollBarcode!: string;
  @Field(() => String, { nullable: true }) sheetBarcode!: string | null;
  @Field() productCode!: string;
  @Field() operation!: string;
  @Field() stationCode!: string;
  @Field() equipmentCode!: string;
  @Field() recipeName!: string;
  @Field(() => Int) recipeVersion!: number;
  @Field(() => Float) mdStartMm!: number;
  @Field(() => Float) mdEndMm!: number;
  @Field() state!: string;
  @Field(() => String, { nullable: true }) experimentCode!: string | null;
  @Field(() => String, { nullable: true }) condition!: string | null;
  @Field(() => [ActualValueModel]) actuals!: ActualValueModel[];
  @Field(() => Float) energyKwh!: number;
  @Field(() => Float) traceSamples!: number;
  @Field() startedBy!: string;
  @Field(() => GraphQLISODateTime) startedAt!: Date;
  @Field(() => String, { nullable: true }) completedBy!: string | null;
  @Field(() => GraphQLISODateTime, { nullable: true }) completedAt!: Date | null;
  @Field(() => [ProcessAlarmModel]) alarms!: ProcessAlarmModel[];
}

@InputType({ description: 'Track-in with a recipe: the unit must wait for (or be in) the operation of the equipment’s station.' })
export class StartProcessRunInput {
  @Field({ description: 'A roll or a sheet barcode.' }) @IsString() @MaxLength(64) unitBarcode!: string;
  @Field() @IsString() equipmentCode!: string;
  @Field(() => RecipeRefInput) @ValidateNested() @Type(() => RecipeRefInput) recipe!: RecipeRefInput;
  @Field(() => Float, { nullable: true, description: 'Roll runs only: segment start (default 0).' })
  @IsOptional()
  @IsNumber()
  mdStartMm?: number;
  @Field(() => Float, { nullable: true, description: 'Roll runs only: segment end (default the roll length).' })
  @IsOptional()
  @IsNumber()
  mdEndMm?: number;
}

@InputType()
export class ActualValueInput {
  @Field() @IsString() @MaxLength(64) parameter!: string;
  @Field(() => Float, { nullable: true, description: 'For NUMBER parameters.' })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  value?: number;
  @Field({ nullable: true, description: 'For ENUM and TEXT parameters.' }) @IsOptional() @IsString() @MaxLength(500) text?: string;
}

@InputType({ description: 'Track-out: the actual value of every required parameter.' })
export class CompleteProcessRunInput {
  @Field(() => ID) @IsString() runId!: string;
  @Field(() => [ActualValueInput])
  @IsArray()
  @ArrayMaxSize(200)
  @ValidateNested({ each: true })
  @Type(() => ActualValueInput)
  actuals!: ActualValueInput[];
  @Field({ nullable: true, description: 'Track the unit out of the operation (default: when no other run of it is still running there).' })
  @IsOptional()
  @IsBoolean()
  trackOut?: boolean;
}
