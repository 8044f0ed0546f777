import { Directive, Field, Float, InputType, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsBoolean,
  IsEnum,
  IsInt,
  IsNumber,
  IsOptional,
  IsPositive,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
  type ValidationArguments,
} from 'class-validator';
import { MAX_QUEUE_MINUTES } from './route-rules';

export enum UnitLevelEnum {
  ROLL = 'ROLL',
  SHEET = 'SHEET',
}
registerEnumType(UnitLevelEnum, { name: 'UnitLevel', description: 'The unit a route step processes.' });

const CODE = /^[A-Z0-9][A-Z0-9_-]{0,31}$/;
const CODE_MESSAGE = 'expected 1-32 upper-case letters, digits, "_" or "-"';

@ObjectType('Site')
export class SiteModel {
  @Field() code!: string;
  @Field() name!: string;
}

@ObjectType('Line')
export class LineModel {
  @Field() code!: string;
  @Field() name!: string;
  @Field() siteCode!: string;
}

@ObjectType('Equipment')
export class EquipmentModel {
  @Field() code!: string;
  @Field() name!: string;
  @Field() kind!: string;
  @Field() stationCode!: string;
}

@ObjectType('Station')
@Directive('@key(fields: "code")')
export class StationModel {
  @Field() code!: string;
  @Field() name!: string;
  @Field({ description: 'The operation this station performs, e.g. SHEET_TEST.' }) operation!: string;
  @Field() lineCode!: string;
}

@ObjectType('SheetLayout', { description: 'Cell grid of a sheet; positions are cell centres in mm.' })
export class SheetLayoutModel {
  @Field(() => Int) rows!: number;
  @Field(() => Int) cols!: number;
  @Field(() => Float) cellMdMm!: number;
  @Field(() => Float) cellCdMm!: number;
  @Field(() => Float) pitchMdMm!: number;
  @Field(() => Float) pitchCdMm!: number;
  @Field(() => Float) firstCellMdMm!: number;
  @Field(() => Float) firstCellCdMm!: number;
  @Field(() => Float) sheetLengthMdMm!: number;
}

@ObjectType('RouteStep')
export class RouteStepModel {
  @Field(() => Int) seq!: number;
  @Field() operation!: string;
  @Field(() => UnitLevelEnum) level!: UnitLevelEnum;
  @Field({ description: 'The step runs in vacuum: leaving it starts the unit’s time in air.' }) vacuum!: boolean;
  @Field(() => Int, {
    nullable: true,
    description: 'Longest time in air (minutes) before this step since the last vacuum step; null: no limit.',
  })
  maxQueueMinutes!: number | null;
  @Field(() => Float, { nullable: true, description: 'Highest temperature at this step (°C); above 180 °C FORMED units are refused.' })
  maxTemperatureC!: number | null;
}

@ObjectType('Route')
export class RouteModel {
  @Field(() => Int) version!: number;
  @Field() createdBy!: string;
  @Field(() => [RouteStepModel]) steps!: RouteStepModel[];
}

@ObjectType('Product')
@Directive('@key(fields: "code")')
export class ProductModel {
  @Field() code!: string;
  @Field() name!: string;
  @Field(() => SheetLayoutModel) layout!: SheetLayoutModel;
  @Field(() => Float, { description: 'Active area of one cell.' }) cellActiveAreaCm2!: number;
  @Field(() => Float) leaderMm!: number;
  @Field(() => Float) trailerMm!: number;
  @Field(() => RouteModel, { nullable: true, description: 'The newest route version; new rolls follow it.' })
  currentRoute!: RouteModel | null;
}

@InputType()
export class CreateSiteInput {
  @Field() @Matches(CODE, { message: CODE_MESSAGE }) code!: string;
  @Field() @IsString() @MinLength(1) @MaxLength(200) name!: string;
}

@InputType()
export class CreateLineInput extends CreateSiteInput {
  @Field() @IsString() siteCode!: string;
}

@InputType()
export class CreateStationInput extends CreateSiteInput {
  @Field() @IsString() lineCode!: string;
  @Field() @Matches(/^[A-Z][A-Z0-9_]{1,47}$/, { message: 'expected an operation name like SHEET_TEST' }) operation!: string;
}

@InputType()
export class CreateEquipmentInput extends CreateSiteInput {
  @Field() @IsString() stationCode!: string;
  @Field() @IsString() @MinLength(1) @MaxLength(64) kind!: string;
}

@InputType()
export class SheetLayoutInput {
  @Field(() => Int) @IsInt() @Min(1) @Max(1000) rows!: number;
  @Field(() => Int) @IsInt() @Min(1) @Max(1000) cols!: number;
  @Field(() => Float) @IsNumber() @IsPositive() cellMdMm!: number;
  @Field(() => Float) @IsNumber() @IsPositive() cellCdMm!: number;
  @Field(() => Float) @IsNumber() @IsPositive() pitchMdMm!: number;
  @Field(() => Float) @IsNumber() @IsPositive() pitchCdMm!: number;
  @Field(() => Float) @IsNumber() @Min(0) firstCellMdMm!: number;
  @Field(() => Float) @IsNumber() @Min(0) firstCellCdMm!: number;
  @Field(() => Float) @IsNumber() @IsPositive() sheetLengthMdMm!: number;
}

const queueMessage = (expected: string) => (a: ValidationArguments) =>
  `${(a.object as { operation?: string }).operation ?? 'step'}: expected maxQueueMinutes ${expected}, got ${String(a.value)}`;

@InputType()
export class RouteStepInput {
  @Field() @Matches(/^[A-Z][A-Z0-9_]{1,47}$/, { message: 'expected an operation name like SHEET_TEST' }) operation!: string;
  @Field(() => UnitLevelEnum) @IsEnum(UnitLevelEnum) level!: UnitLevelEnum;
  @Field({ defaultValue: false, description: 'The step runs in vacuum (a coater); queue-time limits count from the last one.' })
  @IsOptional()
  @IsBoolean()
  vacuum?: boolean;
  @Field(() => Int, {
    nullable: true,
    description: 'Longest time in air (whole minutes) before this step, since the unit left the previous vacuum step.',
  })
  @IsOptional()
  @IsInt({ message: queueMessage('in whole minutes') })
  @Min(1, { message: queueMessage('of at least 1 minute') })
  @Max(MAX_QUEUE_MINUTES, { message: queueMessage(`of at most ${MAX_QUEUE_MINUTES} minutes (30 days)`) })
  maxQueueMinutes?: number | null;
  @Field(() => Float, { nullable: true, description: 'Highest temperature a unit sees at this step (°C), e.g. 235 for reflow.' })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(-100)
  @Max(2000)
  maxTemperatureC?: number | null;
}

@InputType()
export class CreateProductInput extends CreateSiteInput {
  @Field(() => SheetLayoutInput) @ValidateNested() @Type(() => SheetLayoutInput) layout!: SheetLayoutInput;
  @Field(() => Float, { defaultValue: 5000 }) @IsOptional() @IsNumber() @Min(0) leaderMm?: number;
  @Field(() => Float, { defaultValue: 5000 }) @IsOptional() @IsNumber() @Min(0) trailerMm?: number;
  @Field(() => [RouteStepInput])
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => RouteStepInput)
  route!: RouteStepInput[];
}

@InputType()
export class CreateRouteVersionInput {
  @Field() @IsString() productCode!: string;
  @Field(() => [RouteStepInput])
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => RouteStepInput)
  steps!: RouteStepInput[];
}
