import { Field, Float, GraphQLISODateTime, InputType, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import { IsInt, IsNumber, IsOptional, IsString, Matches, MaxLength, Min, ValidateNested } from 'class-validator';
import GraphQLJSON from '../audit/json.scalar';
import { SheetLayoutModel } from '../master-data/master-data.model';

export enum PatternLayoutStateEnum {
  DRAFT = 'DRAFT',
  RELEASED = 'RELEASED',
  OBSOLETE = 'OBSOLETE',
}
registerEnumType(PatternLayoutStateEnum, {
  name: 'PatternLayoutState',
  description: 'DRAFT: editable, not usable; RELEASED: signed, may be patterned, never changes; OBSOLETE: no new sheet may use it.',
});

@ObjectType('Fiducial', { description: 'An alignment mark the pattern writes, in sheet mm.' })
export class FiducialModel {
  @Field(() => Float) mdMm!: number;
  @Field(() => Float) cdMm!: number;
}

@ObjectType('PatternLayout', { description: 'A version of a layout recipe: the cell grid patterning writes on a sheet.' })
export class PatternLayoutModel {
  @Field() name!: string;
  @Field(() => Int) version!: number;
  @Field(() => PatternLayoutStateEnum) state!: PatternLayoutStateEnum;
  @Field() description!: string;
  @Field(() => Int) rows!: number;
  @Field(() => Int) cols!: number;
  @Field(() => Float) cellMdMm!: number;
  @Field(() => Float) cellCdMm!: number;
  @Field(() => Float) pitchMdMm!: number;
  @Field(() => Float) pitchCdMm!: number;
  @Field(() => Float, { description: 'Centre of cell (0,0) from the sheet leading edge.' }) firstCellMdMm!: number;
  @Field(() => Float, { description: 'Centre of cell (0,0) from the operator-side edge of the web.' }) firstCellCdMm!: number;
  @Field(() => Float, { description: 'Width of the isolation cut between cells.' }) kerfMm!: number;
  @Field(() => [FiducialModel]) fiducials!: FiducialModel[];
  @Field(() => Float, { description: 'Largest MD or CD offset that still registers (mm).' }) maxOffsetMm!: number;
  @Field(() => Float, { description: 'Largest rotation that still registers (degrees).' }) maxRotationDeg!: number;
  @Field() createdBy!: string;
  @Field(() => GraphQLISODateTime) createdAt!: Date;
  @Field(() => String, { nullable: true }) releasedBy!: string | null;
  @Field(() => GraphQLISODateTime, { nullable: true }) releasedAt!: Date | null;
  @Field(() => [String], { description: 'Products allowed to be patterned with this version.' }) products!: string[];
}

@ObjectType('SheetAlignment', { description: 'Where the printed grid sits against the layout, measured from the fiducials.' })
export class SheetAlignmentModel {
  @Field(() => Float) offsetMdMm!: number;
  @Field(() => Float) offsetCdMm!: number;
  @Field(() => Float, { description: 'From MD towards CD, about the grid centre.' }) rotationDeg!: number;
}

@ObjectType('PatterningRun', { description: 'The patterning of one sheet.' })
export class PatterningRunModel {
  @Field() sheetBarcode!: string;
  @Field() layoutName!: string;
  @Field(() => Int) layoutVersion!: number;
  @Field() stationCode!: string;
  @Field(() => GraphQLJSON, { description: 'The tool settings as the station sent them (name to number or text).' })
  toolSettings!: Record<string, number | string>;
  @Field(() => SheetAlignmentModel) alignment!: SheetAlignmentModel;
  @Field({ description: 'False when the alignment was past the layout tolerance: the sheet was held.' }) registered!: boolean;
  @Field(() => String, { nullable: true, description: 'The misregistration hold placed with the run.' }) holdId!: string | null;
  @Field(() => String, { nullable: true, description: 'Why the sheet was held, with the numbers.' }) holdReason!: string | null;
  @Field(() => SheetLayoutModel, { description: 'The grid the sheet has from this run on.' }) layout!: SheetLayoutModel;
  @Field() recordedBy!: string;
  @Field(() => GraphQLISODateTime) recordedAt!: Date;
}

@InputType()
export class FiducialInput {
  @Field(() => Float) @IsNumber() mdMm!: number;
  @Field(() => Float) @IsNumber() cdMm!: number;
}

@InputType()
export class CreatePatternLayoutInput {
  @Field({ description: 'The layout name; a new name starts at version 1, an existing one gets its next version.' })
  @Matches(/^[A-Z0-9][A-Z0-9_.-]{0,63}$/, { message: 'expected 1-64 upper-case letters, digits, "_", "." or "-"' })
  name!: string;
  @Field({ defaultValue: '' }) @IsOptional() @IsString() @MaxLength(500) description?: string;
  @Field(() => Int) @IsInt() rows!: number;
  @Field(() => Int) @IsInt() cols!: number;
  @Field(() => Float) @IsNumber() cellMdMm!: number;
  @Field(() => Float) @IsNumber() cellCdMm!: number;
  @Field(() => Float) @IsNumber() pitchMdMm!: number;
  @Field(() => Float) @IsNumber() pitchCdMm!: number;
  @Field(() => Float) @IsNumber() firstCellMdMm!: number;
  @Field(() => Float) @IsNumber() firstCellCdMm!: number;
  @Field(() => Float) @IsNumber() kerfMm!: number;
  @Field(() => [FiducialInput]) @ValidateNested({ each: true }) @Type(() => FiducialInput) fiducials!: FiducialInput[];
  @Field(() => Float) @IsNumber() maxOffsetMm!: number;
  @Field(() => Float) @IsNumber() maxRotationDeg!: number;
}

@InputType()
export class PatternLayoutRefInput {
  @Field() @IsString() name!: string;
  @Field(() => Int) @IsInt() @Min(1) version!: number;
}

@InputType()
export class ProductPatternLayoutInput {
  @Field() @IsString() productCode!: string;
  @Field(() => PatternLayoutRefInput) @ValidateNested() @Type(() => PatternLayoutRefInput) layout!: PatternLayoutRefInput;
}

@InputType()
export class SheetAlignmentInput {
  @Field(() => Float) @IsNumber() offsetMdMm!: number;
  @Field(() => Float) @IsNumber() offsetCdMm!: number;
  @Field(() => Float) @IsNumber() rotationDeg!: number;
}

@InputType()
export class RecordPatterningInput {
  @Field() @IsString() sheetBarcode!: string;
  @Field({ description: 'The patterning station the sheet is tracked in at.' }) @IsString() stationCode!: string;
  @Field(() => PatternLayoutRefInput) @ValidateNested() @Type(() => PatternLayoutRefInput) layout!: PatternLayoutRefInput;
  @Field(() => GraphQLJSON, { description: 'Tool settings: an object of up to 50 names (a-z, 0-9, _) to numbers or texts.' })
  toolSettings!: unknown;
  @Field(() => SheetAlignmentInput, { description: 'Measured from the fiducials after patterning.' })
  @ValidateNested()
  @Type(() => SheetAlignmentInput)
  alignment!: SheetAlignmentInput;
}
