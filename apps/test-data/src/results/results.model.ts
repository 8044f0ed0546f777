import { Field, Float, GraphQLISODateTime, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import type { BinCountRow, CellTestResultRow, SheetTestRow } from '@mes/test-data-store';

export enum CellMetric {
  OCV_V = 'OCV_V',
  R_OHMIC_OHM = 'R_OHMIC_OHM',
  R_CT_OHM = 'R_CT_OHM',
  ASR_OHM_CM2 = 'ASR_OHM_CM2',
  SOFT_BIN = 'SOFT_BIN',
}
registerEnumType(CellMetric, { name: 'CellMetric', description: 'A per-cell value a heat map can show.' });

@ObjectType('SheetMap', { description: 'Row-major values of one metric over a sheet (index row * cols + col); null where untested.' })
export class SheetMapModel {
  @Field() sheet!: string;
  @Field(() => Int) rows!: number;
  @Field(() => Int) cols!: number;
  @Field(() => [Float], { nullable: 'items' }) values!: (number | null)[];
}

@ObjectType('CellTestResult', { description: 'One test of a cell, as binned.' })
export class CellTestResultModel implements CellTestResultRow {
  @Field() testId!: string;
  @Field() sheetTestId!: string;
  @Field(() => GraphQLISODateTime) receivedAt!: Date;
  @Field(() => Float, { nullable: true }) ocvV!: number | null;
  @Field(() => Float, { nullable: true }) rOhmicOhm!: number | null;
  @Field(() => Float, { nullable: true }) rCtOhm!: number | null;
  @Field(() => Float, { nullable: true }) asrOhmCm2!: number | null;
  @Field(() => Int) softBin!: number;
  @Field(() => Int) hardBin!: number;
  @Field() binName!: string;
  @Field() ruleId!: string;
  @Field(() => Int) ruleSetVersion!: number;
  @Field(() => String, { nullable: true }) reason!: string | null;
  @Field(() => String, {
    nullable: true,
    description: 'The defect that decided a visual bin, as <inspectionId>#<seq> (see defects); null when electrical rules decided.',
  })
  decidingDefect!: string | null;
}

@ObjectType('CellResult', { description: 'The result that counts for a cell, and the history of its tests.' })
export class CellResultModel extends CellTestResultModel {
  @Field() sheet!: string;
  @Field(() => Int) row!: number;
  @Field(() => Int) col!: number;
  @Field(() => [CellTestResultModel]) history!: CellTestResultModel[];
}

@ObjectType('SheetTest')
export class SheetTestModel implements SheetTestRow {
  @Field() sheetTestId!: string;
  @Field() testId!: string;
  @Field() sheet!: string;
  @Field() status!: string;
  @Field(() => Int) cells!: number;
  @Field(() => Int) cellsBinned!: number;
  @Field(() => String, { nullable: true }) error!: string | null;
  @Field(() => GraphQLISODateTime) receivedAt!: Date;
}

@ObjectType('BinCount', { description: 'One bar of a bin Pareto.' })
export class BinCountModel implements BinCountRow {
  @Field(() => Int) softBin!: number;
  @Field(() => Int) hardBin!: number;
  @Field() binName!: string;
  @Field(() => Int) count!: number;
}

@ObjectType('RollYield', {
  description: 'Yield of the tested cells of a roll: at their first test, and as they stand now (after retests).',
})
export class RollYieldModel {
  @Field() roll!: string;
  @Field(() => Int) sheetsTested!: number;
  @Field(() => Int) cellsTested!: number;
  @Field(() => Float, { nullable: true, description: 'Cells in a pass grade at their first test / cells tested.' }) firstPassYield!:
    number | null;
  @Field(() => Float, { nullable: true, description: 'Cells whose current result is a pass grade / cells tested.' }) finalYield!:
    number | null;
}

@ObjectType('RollMap', {
  description: 'Mean of a metric per MD x CD bin of a roll (row-major by MD bin); null and 0 where no cell was tested.',
})
export class RollMapModel {
  @Field() roll!: string;
  @Field(() => Float) mdStepMm!: number;
  @Field(() => Float) cdStepMm!: number;
  @Field(() => Int) mdBins!: number;
  @Field(() => Int) cdBins!: number;
  @Field(() => [Float], { nullable: 'items' }) values!: (number | null)[];
  @Field(() => [Int]) counts!: number[];
}
