import { Directive, Field, Float, GraphQLISODateTime, InputType, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import { SheetLayoutModel } from '../master-data/master-data.model';
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

export enum UnitStatusEnum {
  ACTIVE = 'ACTIVE',
  CONSUMED = 'CONSUMED',
  FINISHED = 'FINISHED',
  SCRAPPED = 'SCRAPPED',
}
registerEnumType(UnitStatusEnum, { name: 'UnitStatus' });

export enum StepStateEnum {
  WAITING = 'WAITING',
  IN_PROCESS = 'IN_PROCESS',
}
registerEnumType(StepStateEnum, { name: 'StepState', description: 'Waiting for the current operation, or tracked in at a station.' });

export const BARCODE = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/;
export const BARCODE_MESSAGE = 'expected 1-64 characters of letters, digits, ".", "_", ":" or "-"';

@ObjectType('RollParent', { description: 'Where a stretch of this roll came from (splice or slit).' })
export class RollParentModel {
  @Field() kind!: string;
  @Field() parentBarcode!: string;
  @Field(() => Float) mdStartMm!: number;
  @Field(() => Float) mdEndMm!: number;
  @Field(() => Float) parentMdStartMm!: number;
  @Field(() => Float) parentCdStartMm!: number;
}

@ObjectType('RollChild', {
  description:
    'A roll spliced or slit from this one: its stretch [mdStartMm, mdEndMm) came from this roll at parentMdStartMm (and parentCdStartMm across).',
})
export class RollChildModel {
  @Field() kind!: string;
  @Field() childBarcode!: string;
  @Field(() => Float, { description: 'In the child’s MD coordinates.' }) mdStartMm!: number;
  @Field(() => Float) mdEndMm!: number;
  @Field(() => Float, { description: 'Where that stretch starts on this roll.' }) parentMdStartMm!: number;
  @Field(() => Float) parentCdStartMm!: number;
}

@ObjectType('Roll')
@Directive('@key(fields: "barcode")')
export class RollModel {
  id!: string;
  productId!: string;
  @Field() barcode!: string;
  @Field() productCode!: string;
  @Field(() => Int) routeVersion!: number;
  @Field(() => UnitStatusEnum) status!: UnitStatusEnum;
  @Field(() => String, { nullable: true, description: 'The operation the roll waits for or is in; null once it left its route.' })
  operation!: string | null;
  @Field(() => Int) stepSeq!: number;
  @Field(() => StepStateEnum) stepState!: StepStateEnum;
  @Field(() => String, { nullable: true }) stationCode!: string | null;
  @Field(() => Float) widthMm!: number;
  @Field(() => Float) lengthMm!: number;
  @Field(() => Float, { nullable: true }) substrateThicknessUm!: number | null;
  @Field(() => String, { nullable: true }) supplierLot!: string | null;
  @Field() origin!: string;
  @Field(() => Int) sheetsCut!: number;
  @Field({ description: 'AS_MADE, or FORMED once a FORMATION step plated its lithium (steps above 180 °C refuse it).' })
  electrochemicalState!: string;
  @Field(() => GraphQLISODateTime) createdAt!: Date;
}

@ObjectType('Cell', {
  description:
    'One battery die, keyed by its sheet and (row, col). Tracking owns it; test-data adds its results and spectrum, process its provenance.',
})
@Directive('@key(fields: "sheetBarcode row col")')
export class CellModel {
  id!: string;
  sheetId!: string;
  rollId!: string;
  /** The product's cell length along MD: with mdMm it gives the stretch of roll the cell was made on (its holds). */
  cellMdMm!: number;
  @Field() sheetBarcode!: string;
  @Field(() => Int, { description: 'Along the web (MD), 0 nearest the roll leading end.' }) row!: number;
  @Field(() => Int, { description: 'Across the web (CD), 0 at the operator side.' }) col!: number;
  @Field({ description: 'The singulated cell’s scannable code: <sheet barcode>-R<row>C<col>.' }) code!: string;
  @Field({ description: 'The roll the sheet was cut from.' }) rollBarcode!: string;
  @Field(() => Float, { description: 'Cell centre, mm from the roll leading end.' }) mdMm!: number;
  @Field(() => Float, { description: 'Cell centre, mm from the operator-side edge.' }) cdMm!: number;
  @Field({ description: 'ACTIVE or SCRAPPED.' }) status!: string;
}

@ObjectType('Sheet')
@Directive('@key(fields: "barcode")')
export class SheetModel {
  id!: string;
  rollId!: string;
  @Field() barcode!: string;
  @Field() rollBarcode!: string;
  @Field() productCode!: string;
  @Field(() => Int) sheetIndex!: number;
  @Field(() => Float) mdStartMm!: number;
  @Field(() => Float) mdEndMm!: number;
  @Field(() => Int) rows!: number;
  @Field(() => Int) cols!: number;
  @Field(() => Float) cellActiveAreaCm2!: number;
  @Field(() => SheetLayoutModel, { description: 'Where the cells sit: with mdStartMm this gives every cell its roll position.' })
  layout!: SheetLayoutModel;
  @Field(() => UnitStatusEnum) status!: UnitStatusEnum;
  @Field(() => String, { nullable: true }) operation!: string | null;
  @Field(() => Int) stepSeq!: number;
  @Field(() => StepStateEnum) stepState!: StepStateEnum;
  @Field(() => String, { nullable: true }) stationCode!: string | null;
  @Field({ description: 'AS_MADE, or FORMED once a FORMATION step plated its lithium (steps above 180 °C refuse it).' })
  electrochemicalState!: string;
  @Field(() => GraphQLISODateTime) createdAt!: Date;
}

@InputType()
export class RegisterRollInput {
  @Field() @Matches(BARCODE, { message: BARCODE_MESSAGE }) barcode!: string;
  @Field() @IsString() productCode!: string;
  @Field(() => Float) @IsNumber() @IsPositive() @Max(3000) widthMm!: number;
  @Field(() => Float, { description: 'Roll length in metres.' }) @IsNumber() @IsPositive() @Max(100000) lengthM!: number;
  @Field(() => Float, { nullable: true }) @IsOptional() @IsNumber() @IsPositive() @Max(1000) substrateThicknessUm?: number;
  @Field({ nullable: true }) @IsOptional() @IsString() @MaxLength(64) supplierLot?: string;
}

@InputType()
export class SplicePartInput {
  @Field() @IsString() barcode!: string;
  @Field(() => Float, { description: 'Where this roll begins on the joined roll (mm).' }) @IsNumber() @Min(0) mdOffsetMm!: number;
}

@InputType()
export class SpliceRollsInput {
  @Field() @Matches(BARCODE, { message: BARCODE_MESSAGE }) newBarcode!: string;
  @Field(() => [SplicePartInput])
  @ArrayMinSize(2)
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  @Type(() => SplicePartInput)
  parts!: SplicePartInput[];
}

@InputType()
export class SlitLaneInput {
  @Field() @Matches(BARCODE, { message: BARCODE_MESSAGE }) barcode!: string;
  @Field(() => Float) @IsNumber() @Min(0) cdStartMm!: number;
  @Field(() => Float) @IsNumber() @IsPositive() cdEndMm!: number;
}

@InputType()
export class SlitRollInput {
  @Field() @IsString() barcode!: string;
  @Field(() => [SlitLaneInput])
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => SlitLaneInput)
  lanes!: SlitLaneInput[];
}

@InputType()
export class CutSheetsInput {
  @Field({ description: 'The roll, tracked in at a station of its cut operation.' }) @IsString() rollBarcode!: string;
  @Field() @IsString() stationCode!: string;
  @Field(() => Int, { nullable: true, description: 'How many sheets to cut now; all that fit when omitted.' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(5000)
  count?: number;
}

@ObjectType('CutSheetsResult')
export class CutSheetsResultModel {
  @Field(() => RollModel) roll!: RollModel;
  @Field(() => [SheetModel]) sheets!: SheetModel[];
}
