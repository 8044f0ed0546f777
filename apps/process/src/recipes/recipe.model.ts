import { Field, Float, GraphQLISODateTime, ID, InputType, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsEnum,
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';

export enum ParameterTypeEnum {
  NUMBER = 'NUMBER',
  ENUM = 'ENUM',
  TEXT = 'TEXT',
}
registerEnumType(ParameterTypeEnum, { name: 'ParameterType' });

export enum RecipeStateEnum {
  DRAFT = 'DRAFT',
  RELEASED = 'RELEASED',
  OBSOLETE = 'OBSOLETE',
}
registerEnumType(RecipeStateEnum, {
  name: 'RecipeState',
  description: 'DRAFT can change; RELEASED runs on the line and never changes; OBSOLETE no longer runs.',
});

@ObjectType('ParameterDefinition', {
  description: 'One parameter of a recipe: its target and spec limits, and whether track-out must report it.',
})
export class ParameterDefinitionModel {
  @Field() name!: string;
  @Field(() => String, { nullable: true }) unit!: string | null;
  @Field(() => ParameterTypeEnum) type!: ParameterTypeEnum;
  @Field(() => Float, { nullable: true, description: 'Target of a NUMBER parameter.' }) target!: number | null;
  @Field(() => String, { nullable: true, description: 'Target of an ENUM (or TEXT) parameter.' }) targetText!: string | null;
  @Field(() => Float, { nullable: true }) lowerLimit!: number | null;
  @Field(() => Float, { nullable: true }) upperLimit!: number | null;
  @Field() required!: boolean;
  @Field(() => [String], { nullable: true }) allowedValues!: string[] | null;
}

@ObjectType('TraceBand', {
  description: 'An alarm band on a trace channel: out of band for longer than minDurationS holds the material made meanwhile.',
})
export class TraceBandModel {
  @Field() channel!: string;
  @Field(() => String, { nullable: true, description: 'The NUMBER parameter whose target is the setpoint.' }) setpointParameter!:
    string | null;
  @Field(() => Float, { nullable: true }) setpoint!: number | null;
  @Field(() => Float) tolerancePct!: number;
  @Field(() => Float) minDurationS!: number;
}

@ObjectType('Recipe')
export class RecipeModel {
  @Field(() => ID) id!: string;
  @Field() name!: string;
  @Field(() => Int) version!: number;
  @Field() operation!: string;
  @Field() description!: string;
  @Field(() => RecipeStateEnum) state!: RecipeStateEnum;
  @Field(() => [ParameterDefinitionModel]) parameters!: ParameterDefinitionModel[];
  @Field(() => [TraceBandModel]) traceBands!: TraceBandModel[];
  @Field() createdBy!: string;
  @Field(() => GraphQLISODateTime) createdAt!: Date;
  @Field(() => String, { nullable: true }) releasedBy!: string | null;
  @Field(() => GraphQLISODateTime, { nullable: true }) releasedAt!: Date | null;
}

@InputType()
export class ParameterDefinitionInput {
  @Field() @IsString() @MaxLength(64) name!: string;
  @Field({ nullable: true }) @IsOptional() @IsString() @MaxLength(20) unit?: string;
  @Field(() => ParameterTypeEnum) @IsEnum(ParameterTypeEnum) type!: ParameterTypeEnum;
  @Field(() => Float, { nullable: true }) @IsOptional() @IsNumber() target?: number;
  @Field({ nullable: true }) @IsOptional() @IsString() @MaxLength(200) targetText?: string;
  @Field(() => Float, { nullable: true }) @IsOptional() @IsNumber() lowerLimit?: number;
  @Field(() => Float, { nullable: true }) @IsOptional() @IsNumber() upperLimit?: number;
  @Field({ defaultValue: true }) @IsBoolean() required!: boolean;
  @Field(() => [String], { nullable: true }) @IsOptional() @IsArray() @ArrayMaxSize(100) @IsString({ each: true }) allowedValues?: string[];
}

@InputType()
export class TraceBandInput {
  @Field() @IsString() @MaxLength(32) channel!: string;
  @Field({ nullable: true }) @IsOptional() @IsString() setpointParameter?: string;
  @Field(() => Float, { nullable: true }) @IsOptional() @IsNumber() setpoint?: number;
  @Field(() => Float) @IsNumber() tolerancePct!: number;
  @Field(() => Float) @IsNumber() minDurationS!: number;
}

@InputType({ description: 'A new DRAFT version of a recipe (version 1 of a new name, or the next version of an existing one).' })
export class CreateRecipeInput {
  @Field()
  @Matches(/^[A-Z][A-Z0-9_-]{1,63}$/, { message: 'expected a recipe name like LCO-SPUTTER-STD (capitals, digits, - and _)' })
  name!: string;
  @Field() @Matches(/^[A-Z][A-Z0-9_]{1,47}$/, { message: 'expected an operation name like LCO_DEPOSITION' }) operation!: string;
  @Field({ defaultValue: '' }) @IsString() @MaxLength(2000) description!: string;
  @Field(() => [ParameterDefinitionInput])
  @IsArray()
  @ArrayMaxSize(200)
  @ValidateNested({ each: true })
  @Type(() => ParameterDefinitionInput)
  parameters!: ParameterDefinitionInput[];
  @Field(() => [TraceBandInput], { defaultValue: [] })
  @IsArray()
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => TraceBandInput)
  traceBands!: TraceBandInput[];
}

@InputType({ description: 'Which recipes (any RELEASED version of these names) and which equipment a product route step allows.' })
export class RouteStepRecipesInput {
  @Field() @IsString() productCode!: string;
  @Field() @IsString() operation!: string;
  @Field(() => [String]) @IsArray() @ArrayMaxSize(100) @IsString({ each: true }) recipeNames!: string[];
  @Field(() => [String], { defaultValue: [], description: 'Empty: any equipment at a station of the operation.' })
  @IsArray()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  equipmentCodes!: string[];
}

@ObjectType('RouteStepRecipes')
export class RouteStepRecipesModel {
  @Field() productCode!: string;
  @Field() operation!: string;
  @Field(() => [String]) recipeNames!: string[];
  @Field(() => [String]) equipmentCodes!: string[];
  @Field() updatedBy!: string;
  @Field(() => GraphQLISODateTime) updatedAt!: Date;
}

@InputType()
export class RecipeRefInput {
  @Field() @IsString() name!: string;
  @Field(() => Int) @IsInt() @Min(1) version!: number;
}
