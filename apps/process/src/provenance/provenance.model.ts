import { Field, Float, GraphQLISODateTime, Int, ObjectType } from '@nestjs/graphql';
import { ActualValueModel, ProcessAlarmModel, ProcessRunModel } from '../runs/run.model';

@ObjectType('TraceAtCell', { description: 'A trace channel over the cell’s MD extent (zone offset applied).' })
export class TraceAtCellModel {
  @Field() channel!: string;
  @Field() unit!: string;
  @Field(() => Float) mean!: number;
  @Field(() => Float) min!: number;
  @Field(() => Float) max!: number;
  @Field(() => Int, {
    description:
      'Samples that fell inside the cell; 0 when the nearest sample stands in (the web moved faster than the sample rate covers).',
  })
  samples!: number;
}

@ObjectType('ProvenanceLayer', {
  description: 'One process step that made the cell: recipe, equipment, actuals and the traces at the cell.',
})
export class ProvenanceLayerModel {
  @Field() operation!: string;
  @Field(() => ProcessRunModel) run!: ProcessRunModel;
  @Field(() => [TraceAtCellModel]) traces!: TraceAtCellModel[];
}

@ObjectType('LayerThickness')
export class LayerThicknessModel {
  @Field() layer!: string;
  @Field(() => Float) thicknessUm!: number;
  @Field() instrument!: string;
  @Field(() => GraphQLISODateTime) measuredAt!: Date;
}

@ObjectType('CellProvenance', { description: 'How one cell was made, at its own position on the roll.' })
export class CellProvenanceModel {
  @Field() sheet!: string;
  @Field(() => Int) row!: number;
  @Field(() => Int) col!: number;
  @Field() rollBarcode!: string;
  @Field(() => Float, { description: 'Cell centre, mm from the roll’s leading end.' }) mdMm!: number;
  @Field(() => Float) cdMm!: number;
  @Field(() => Float) mdFromMm!: number;
  @Field(() => Float) mdToMm!: number;
  @Field(() => [ProvenanceLayerModel], { description: 'In process order (run start).' }) layers!: ProvenanceLayerModel[];
  @Field(() => [LayerThicknessModel], { description: 'Interpolated from the newest thickness map of each layer.' })
  thickness!: LayerThicknessModel[];
  @Field(() => Float, { nullable: true, description: '68.5 µAh/cm²/µm × LCO thickness × active area × the product’s LCO utilization.' })
  predictedCapacityUah!: number | null;
  @Field(() => [ProcessAlarmModel], { description: 'Process alarms whose region covers the cell.' }) alarms!: ProcessAlarmModel[];
}

@ObjectType('SheetPredictedCapacity', { description: 'Each cell’s capacity predicted from the LCO thickness map at its roll position.' })
export class SheetPredictedCapacityModel {
  @Field() sheet!: string;
  @Field(() => Int) rows!: number;
  @Field(() => Int) cols!: number;
  @Field(() => Float, { nullable: true, description: 'The product’s LCO utilization; null when none is set.' })
  lcoUtilization!: number | null;
  @Field(() => [Float], {
    nullable: 'items',
    description:
      'mAh per cell, row-major (index row * cols + col): 68.5 µAh/cm²/µm × LCO thickness × active area × utilization; null where no LCO map covers the cell.',
  })
  valuesMah!: (number | null)[];
  @Field(() => Int) cellsPredicted!: number;
  @Field(() => String, { nullable: true, description: 'Why no cell has a prediction, in words.' }) missingReason!: string | null;
}

@ObjectType('SheetInRun')
export class SheetInRunModel {
  @Field() sheet!: string;
  @Field(() => Float) mdStartMm!: number;
  @Field(() => Float) mdEndMm!: number;
  @Field(() => Int, { description: 'Cells of the sheet whose centre lies in the run’s segment.' }) cells!: number;
}

@ObjectType('RunWhereUsed', { description: 'The sheets and cells a run touched.' })
export class RunWhereUsedModel {
  @Field(() => ProcessRunModel) run!: ProcessRunModel;
  @Field(() => [SheetInRunModel]) sheets!: SheetInRunModel[];
  @Field(() => Int) cells!: number;
}

@ObjectType('ParameterTrendPoint')
export class ParameterTrendPointModel {
  @Field() runId!: string;
  @Field() rollBarcode!: string;
  @Field(() => String, { nullable: true }) sheetBarcode!: string | null;
  @Field(() => Float) mdStartMm!: number;
  @Field(() => Float) mdEndMm!: number;
  @Field() equipmentCode!: string;
  @Field() recipeName!: string;
  @Field(() => Int) recipeVersion!: number;
  @Field(() => GraphQLISODateTime) completedAt!: Date;
  @Field(() => ActualValueModel) actual!: ActualValueModel;
}
