import { Field, Float, GraphQLISODateTime, ID, InputType, Int, ObjectType } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsNumber, IsString, Matches, MaxLength, MinLength, ValidateNested } from 'class-validator';
import { RecipeRefInput } from '../recipes/recipe.model';
import { ProcessRunModel } from '../runs/run.model';

@ObjectType('ExperimentArm', { description: 'One MD region of the roll and the recipe version it runs.' })
export class ExperimentArmModel {
  @Field() condition!: string;
  @Field(() => Float) mdStartMm!: number;
  @Field(() => Float) mdEndMm!: number;
  @Field() recipeName!: string;
  @Field(() => Int) recipeVersion!: number;
}

@ObjectType('Experiment', { description: 'A roll split into MD regions that run alternate recipe versions at one operation.' })
export class ExperimentModel {
  @Field(() => ID) id!: string;
  @Field() code!: string;
  @Field() purpose!: string;
  @Field() rollBarcode!: string;
  @Field() operation!: string;
  @Field(() => [ExperimentArmModel]) arms!: ExperimentArmModel[];
  @Field() createdBy!: string;
  @Field(() => GraphQLISODateTime) createdAt!: Date;
  @Field(() => [ProcessRunModel]) runs!: ProcessRunModel[];
}

@InputType()
export class ExperimentArmInput {
  @Field() @IsString() @MinLength(1) @MaxLength(64) condition!: string;
  @Field(() => Float) @IsNumber() mdStartMm!: number;
  @Field(() => Float) @IsNumber() mdEndMm!: number;
  @Field(() => RecipeRefInput) @ValidateNested() @Type(() => RecipeRefInput) recipe!: RecipeRefInput;
}

@InputType()
export class CreateExperimentInput {
  @Field() @Matches(/^[A-Z][A-Z0-9_-]{1,63}$/, { message: 'expected an experiment code like EXP-2611-PT-AU' }) code!: string;
  @Field() @IsString() @MinLength(3) @MaxLength(2000) purpose!: string;
  @Field() @IsString() rollBarcode!: string;
  @Field() @IsString() operation!: string;
  @Field(() => [ExperimentArmInput])
  @IsArray()
  @ArrayMinSize(2)
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => ExperimentArmInput)
  arms!: ExperimentArmInput[];
}
