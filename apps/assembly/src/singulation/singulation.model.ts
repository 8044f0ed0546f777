import { Field, Float, InputType, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsIn, IsInt, IsString, Max, MaxLength, Min, MinLength, ValidateNested } from 'class-validator';

export enum PickStrategyEnum {
  GRADED = 'GRADED',
  KITS = 'KITS',
}
registerEnumType(PickStrategyEnum, {
  name: 'PickStrategy',
  description: 'GRADED: every wanted passing cell into carriers by grade; KITS: sets of cells that meet one stack’s matching rules.',
});

@ObjectType({ description: 'One pick: sheet (row, col) to carrier pocket.' })
export class PickEntryModel {
  @Field(() => Int) row!: number;
  @Field(() => Int) col!: number;
  @Field({ description: 'The singulated cell’s scannable code, <sheet>-R<row>C<col>.' }) cellCode!: string;
  @Field(() => Int) softBin!: number;
  @Field(() => Int, { nullable: true }) hardBin!: number | null;
  @Field() carrier!: string;
  @Field(() => Int) position!: number;
  @Field(() => String, { nullable: true }) workOrder!: string | null;
  @Field(() => Int, { nullable: true }) layer!: number | null;
}

@ObjectType()
export class CellPositionModel {
  @Field(() => Int) row!: number;
  @Field(() => Int) col!: number;
}

@ObjectType({ description: 'Cells left on the sheet, by why.' })
export class PickExclusionModel {
  @Field({ description: 'UNTESTED, RIG_FAULT, FAILED, ON_HOLD, GRADE_NOT_WANTED, NO_MATCHING_KIT or ALREADY_SINGULATED.' }) reason!: string;
  @Field(() => Int) count!: number;
  @Field(() => [CellPositionModel]) cells!: CellPositionModel[];
}

@ObjectType()
export class PickMapModel {
  @Field() sheet!: string;
  @Field(() => PickStrategyEnum) strategy!: PickStrategyEnum;
  @Field(() => [PickEntryModel]) entries!: PickEntryModel[];
  @Field(() => [PickExclusionModel]) excluded!: PickExclusionModel[];
}

@InputType()
export class PickedCellInput {
  @Field(() => Int) @IsInt() @Min(0) @Max(32767) row!: number;
  @Field(() => Int) @IsInt() @Min(0) @Max(32767) col!: number;
}

@InputType()
export class BrokenCellInput extends PickedCellInput {
  @Field() @IsString() @MinLength(1) @MaxLength(500) reason!: string;
}

@InputType({ description: 'What the singulation station picked into its carriers and what broke.' })
export class SingulationReportInput {
  @Field() @IsString() @MaxLength(64) sheet!: string;
  @Field() @IsString() @MaxLength(32) stationCode!: string;
  @Field(() => PickStrategyEnum) @IsIn(Object.values(PickStrategyEnum)) strategy!: PickStrategyEnum;
  @Field(() => [PickedCellInput])
  @ArrayMaxSize(100000)
  @ValidateNested({ each: true })
  @Type(() => PickedCellInput)
  picked!: PickedCellInput[];
  @Field(() => [BrokenCellInput], { defaultValue: [] })
  @ArrayMaxSize(100000)
  @ValidateNested({ each: true })
  @Type(() => BrokenCellInput)
  broken!: BrokenCellInput[];
}

@ObjectType({ description: 'Yield per step of one sheet: test yield, then singulation loss.' })
export class SingulationYieldModel {
  @Field() sheet!: string;
  @Field() stationCode!: string;
  @Field(() => Int) cellsTested!: number;
  @Field(() => Int) cellsPassed!: number;
  @Field(() => Int) cellsInPickMap!: number;
  @Field(() => Int) picked!: number;
  @Field(() => Int) broken!: number;
  @Field(() => Float, { nullable: true, description: 'Passing cells / tested cells.' }) testYield!: number | null;
  @Field(() => Float, { nullable: true, description: 'Broken / (picked + broken).' }) singulationLoss!: number | null;
  @Field() reportedBy!: string;
  @Field() reportedAt!: Date;
}
