import { Directive, Field, Float, Int, ObjectType } from '@nestjs/graphql';

/*
 * Tracking owns Roll, Sheet (keyed by barcode) and Cell (keyed by sheet barcode, row and col). The
 * process service adds how they were made: a roll's runs and trace summary, the runs a sheet was made
 * by, a cell's provenance. These types hold only the key (and, for Sheet, the fields of tracking's the
 * added field requires); the gateway asks process for the added fields.
 */

@ObjectType('Roll')
@Directive('@key(fields: "barcode")')
export class RollProcessRef {
  @Field() barcode!: string;
}

@ObjectType('Sheet')
@Directive('@key(fields: "barcode")')
export class SheetProcessRef {
  @Field() barcode!: string;
  @Field() @Directive('@external') rollBarcode!: string;
  @Field(() => Float) @Directive('@external') mdStartMm!: number;
  @Field(() => Float) @Directive('@external') mdEndMm!: number;
}

@ObjectType('Cell')
@Directive('@key(fields: "sheetBarcode row col")')
export class CellProcessRef {
  @Field() sheetBarcode!: string;
  @Field(() => Int) row!: number;
  @Field(() => Int) col!: number;
}

@ObjectType('TraceChannelSummary', { description: 'One trace channel of a roll over all its runs of one operation.' })
export class TraceChannelSummaryModel {
  @Field() operation!: string;
  @Field() channel!: string;
  @Field() unit!: string;
  @Field(() => Int) runs!: number;
  @Field(() => Int) batches!: number;
  @Field(() => Int) samples!: number;
  @Field(() => Float) min!: number;
  @Field(() => Float) max!: number;
  @Field(() => Float, { nullable: true, description: 'Weighted by samples; null when the batches hold none.' }) mean!: number | null;
}
