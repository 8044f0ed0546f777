import { Directive, Field, Float, Int, ObjectType } from '@nestjs/graphql';

/*
 * Tracking owns Roll, Sheet (keyed by barcode) and Cell (keyed by sheet barcode, row and col).
 * test-data adds what it knows of them, so one query walks from a roll to its sheets (tracking), their
 * holds (tracking) and their maps, yields and bin Paretos (here), and from a cell to its result, its
 * history and its spectrum (here). These types hold only the key; the gateway asks test-data for the
 * added fields.
 */

@ObjectType('Sheet')
@Directive('@key(fields: "barcode")')
export class SheetResultsRef {
  @Field() barcode!: string;
}

@ObjectType('Roll')
@Directive('@key(fields: "barcode")')
export class RollResultsRef {
  @Field() barcode!: string;
}

@ObjectType('Cell')
@Directive('@key(fields: "sheetBarcode row col")')
export class CellResultsRef {
  @Field() sheetBarcode!: string;
  @Field(() => Int) row!: number;
  @Field(() => Int) col!: number;
}

@ObjectType('SheetYield', { description: 'First-pass and final yield of the tested cells of one sheet.' })
export class SheetYieldModel {
  @Field() sheet!: string;
  @Field(() => Int) cellsTested!: number;
  @Field(() => Float, { nullable: true, description: 'Cells in a pass grade at their first test / cells tested.' }) firstPassYield!:
    number | null;
  @Field(() => Float, { nullable: true, description: 'Cells whose current result is a pass grade / cells tested.' }) finalYield!:
    number | null;
}
