import { Field, Float, GraphQLISODateTime, ID, InputType, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { IsEnum, IsInt, IsNumber, IsOptional, IsString, MaxLength, Min, MinLength } from 'class-validator';

export enum HoldTargetEnum {
  ROLL = 'ROLL',
  ROLL_REGION = 'ROLL_REGION',
  SHEET = 'SHEET',
  CELL = 'CELL',
}
registerEnumType(HoldTargetEnum, { name: 'HoldTarget' });

export enum HoldDispositionEnum {
  RELEASE = 'RELEASE',
  REWORK = 'REWORK',
  SCRAP = 'SCRAP',
}
registerEnumType(HoldDispositionEnum, {
  name: 'HoldDisposition',
  description: 'RELEASE: material goes on; REWORK: back to the previous operation; SCRAP: the covered units are scrapped.',
});

@ObjectType('Hold')
export class HoldModel {
  @Field(() => ID) id!: string;
  @Field(() => HoldTargetEnum) target!: HoldTargetEnum;
  @Field(() => String, { nullable: true }) rollBarcode!: string | null;
  @Field(() => Float, { nullable: true }) mdFromMm!: number | null;
  @Field(() => Float, { nullable: true }) mdToMm!: number | null;
  @Field(() => String, { nullable: true }) sheetBarcode!: string | null;
  @Field(() => Int, { nullable: true }) row!: number | null;
  @Field(() => Int, { nullable: true }) col!: number | null;
  @Field() reason!: string;
  @Field() active!: boolean;
  @Field() placedBy!: string;
  @Field(() => GraphQLISODateTime) placedAt!: Date;
  @Field(() => HoldDispositionEnum, { nullable: true }) disposition!: HoldDispositionEnum | null;
  @Field(() => String, { nullable: true }) releasedBy!: string | null;
  @Field(() => GraphQLISODateTime, { nullable: true }) releasedAt!: Date | null;
  @Field(() => String, { nullable: true }) releaseComment!: string | null;
}

@InputType({ description: 'What to hold: a roll, an MD region of a roll, a sheet, or one cell of a sheet.' })
export class PlaceHoldInput {
  @Field(() => HoldTargetEnum) @IsEnum(HoldTargetEnum) target!: HoldTargetEnum;
  @Field({ nullable: true, description: 'For ROLL and ROLL_REGION.' }) @IsOptional() @IsString() rollBarcode?: string;
  @Field(() => Float, { nullable: true }) @IsOptional() @IsNumber() mdFromMm?: number;
  @Field(() => Float, { nullable: true }) @IsOptional() @IsNumber() mdToMm?: number;
  @Field({ nullable: true, description: 'For SHEET and CELL.' }) @IsOptional() @IsString() sheetBarcode?: string;
  @Field(() => Int, { nullable: true }) @IsOptional() @IsInt() @Min(0) row?: number;
  @Field(() => Int, { nullable: true }) @IsOptional() @IsInt() @Min(0) col?: number;
  @Field() @IsString() @MinLength(3, { message: 'expected a reason of at least 3 characters' }) @MaxLength(2000) reason!: string;
}

@InputType()
export class ReleaseHoldInput {
  @Field(() => ID) @IsString() holdId!: string;
  @Field(() => HoldDispositionEnum) @IsEnum(HoldDispositionEnum) disposition!: HoldDispositionEnum;
  @Field() @IsString() @MinLength(3, { message: 'expected a comment of at least 3 characters' }) @MaxLength(2000) comment!: string;
}
