import { Field, Float, GraphQLISODateTime, ID, InputType, Int, ObjectType } from '@nestjs/graphql';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Max,
  MaxLength,
  Min,
  MinLength,
} from 'class-validator';
import { RUN_RULES } from '@mes/analytics';

// ------------------------------------------------------------------------------------------------ federation
// tracking's Sheet and Roll (keyed by barcode), which test-data extends with its analytics fields.

// One class per federated type in this subgraph: the results module's key-only Roll and Sheet.
import { RollResultsRef as AnalyticsRollRef, SheetResultsRef as AnalyticsSheetRef } from '../results/material-results.model';
export { AnalyticsRollRef, AnalyticsSheetRef };

// ------------------------------------------------------------------------------------------------ SPC

@ObjectType('SpcLimits', { description: 'One frozen, versioned set of control limits of a chart and the baseline it came from.' })
export class SpcLimitsModel {
  @Field(() => Int) version!: number;
  @Field(() => Float, { description: 'Centre line (p̄ for p charts).' }) centre!: number;
  @Field(() => Float, { description: 'σ of one observation (I-MR, X̄-S); 0 for p charts, whose σ follows from p̄ and n.' }) sigma!: number;
  @Field(() => Float, { description: 'Mean moving range (I-MR) or mean subgroup s (X̄-S).' }) dispersionCentre!: number;
  @Field(() => [String]) baselineSheets!: string[];
  @Field() reason!: string;
  @Field() frozenBy!: string;
  @Field(() => GraphQLISODateTime) frozenAt!: Date;
  @Field(() => String, {
    nullable: true,
    description:
      'Meaning of the freezer’s electronic signature (APPROVED, REVIEWED, RESPONSIBLE); null for limits frozen unsigned, before signatures.',
  })
  signatureMeaning!: string | null;
}

@ObjectType('SpcPoint', { description: 'A sheet’s point on a control chart.' })
export class SpcPointModel {
  @Field(() => ID) chartId!: string;
  @Field() sheetBarcode!: string;
  @Field() rollBarcode!: string;
  @Field(() => Int, { description: 'Order in which the points landed.' }) seq!: number;
  @Field(() => Float, { description: 'Zone mean, zone σ, or fraction defective (p charts).' }) value!: number;
  @Field(() => Int, { nullable: true }) n!: number | null;
  @Field(() => Float, { nullable: true, description: 'Subgroup standard deviation (X̄-S).' }) spread!: number | null;
  @Field(() => Float, { nullable: true, description: 'Distance from the centre line in σ of the point; null before limits were frozen.' })
  z!: number | null;
  @Field(() => Int) limitsVersion!: number;
  @Field(() => Float, { nullable: true }) mdFromMm!: number | null;
  @Field(() => Float, { nullable: true }) mdToMm!: number | null;
  @Field(() => GraphQLISODateTime) recordedAt!: Date;
  @Field(() => Float, {
    nullable: true,
    description:
      'The second chart: moving range to the point before (I-MR) or the subgroup s (X̄-S); null for p charts and the first I-MR point.',
  })
  dispersion!: number | null;
  @Field(() => Float, { nullable: true, description: 'The dispersion’s distance from its centre in its own σ; null when not judged.' })
  dispersionZ!: number | null;
  @Field(() => Float, { nullable: true, description: 'Centre line under the chart’s current limits; null before limits are frozen.' })
  centre!: number | null;
  @Field(() => Float, { nullable: true, description: 'Lower 3σ limit for this point (its own n on X̄-S and p charts).' })
  lcl!: number | null;
  @Field(() => Float, { nullable: true, description: 'Upper 3σ limit for this point.' }) ucl!: number | null;
  @Field(() => Float, { nullable: true, description: 'Second chart’s centre line: MR̄, or c4(n) σ for this point’s n.' })
  dispersionCentre!: number | null;
  @Field(() => Float, { nullable: true, description: 'Second chart’s lower limit: D3 · MR̄ or B3 · c4(n) σ.' })
  dispersionLcl!: number | null;
  @Field(() => Float, { nullable: true, description: 'Second chart’s upper limit: D4 · MR̄ or B4 · c4(n) σ.' })
  dispersionUcl!: number | null;
}

@ObjectType('SpcEventPoint')
export class SpcEventPointModel {
  @Field() sheet!: string;
  @Field() roll!: string;
  @Field(() => Float) value!: number;
  @Field(() => Float, { nullable: true }) z!: number | null;
  @Field(() => Float, { nullable: true }) mdFromMm!: number | null;
  @Field(() => Float, { nullable: true }) mdToMm!: number | null;
}

@ObjectType('SpcHold', { description: 'A hold an SPC event placed in tracking: a roll MD region, or a sheet where its MD was unknown.' })
export class SpcHoldModel {
  @Field() roll!: string;
  @Field(() => String, { nullable: true }) sheet!: string | null;
  @Field(() => Float, { nullable: true }) mdFromMm!: number | null;
  @Field(() => Float, { nullable: true }) mdToMm!: number | null;
  @Field() holdId!: string;
}

@ObjectType('SpcEvent', { description: 'A run-rule violation on a chart, the holds it placed, and its acknowledgement.' })
export class SpcEventModel {
  @Field(() => ID) id!: string;
  @Field(() => ID) chartId!: string;
  @Field() rule!: string;
  @Field() ruleText!: string;
  @Field({
    description:
      'Which chart broke the rule: MAIN (individuals, X̄ or p) or DISPERSION (moving range or s); its points’ values are that chart’s.',
  })
  panel!: string;
  @Field(() => Int) limitsVersion!: number;
  @Field({ description: 'The sheet whose point broke the rule.' }) atSheet!: string;
  @Field(() => [SpcEventPointModel]) points!: SpcEventPointModel[];
  @Field() reason!: string;
  @Field(() => [SpcHoldModel]) holds!: SpcHoldModel[];
  @Field(() => String, { nullable: true, description: 'Why placing a hold failed (the job retries).' }) holdError!: string | null;
  @Field({ description: 'OPEN or ACKNOWLEDGED.' }) status!: string;
  @Field(() => String, { nullable: true }) acknowledgedBy!: string | null;
  @Field(() => GraphQLISODateTime, { nullable: true }) acknowledgedAt!: Date | null;
  @Field(() => String, { nullable: true }) comment!: string | null;
  @Field(() => GraphQLISODateTime) createdAt!: Date;
}

@ObjectType('SpcChart', { description: 'A control chart of a product on a per-sheet statistic.' })
export class SpcChartModel {
  @Field(() => ID) id!: string;
  @Field() productCode!: string;
  @Field() name!: string;
  @Field({ description: 'ASR, OCV, R_OHMIC, R_CT or YIELD.' }) metric!: string;
  @Field({ description: 'ZONE_MEAN, ZONE_SD or YIELD.' }) statistic!: string;
  @Field({ description: 'I_MR, XBAR_S or P.' }) chartType!: string;
  @Field(() => Int) zones!: number;
  @Field(() => Int, { nullable: true, description: 'The CD zone followed (0 at the operator side); null for the whole sheet.' }) zone!:
    number | null;
  @Field(() => [String]) rules!: string[];
  @Field() holdOnViolation!: boolean;
  @Field(() => Int, { description: 'Current limits version; 0 while no limits are frozen (points are kept, not judged).' })
  limitsVersion!: number;
  @Field({ description: 'The points of the product’s binned sheets are still being added (a job).' }) backfillPending!: boolean;
  @Field() createdBy!: string;
  @Field(() => GraphQLISODateTime) createdAt!: Date;
}

@InputType({ description: 'A new control chart.' })
export class CreateSpcChartInput {
  @Field() @IsString() @MaxLength(64) productCode!: string;
  @Field() @IsString() @MinLength(1) @MaxLength(100) name!: string;
  @Field({ description: 'ASR, OCV, R_OHMIC, R_CT or YIELD.' }) @IsString() @MaxLength(16) metric!: string;
  @Field({ description: 'ZONE_MEAN, ZONE_SD or YIELD.' }) @IsString() @MaxLength(16) statistic!: string;
  @Field({ description: 'I_MR, XBAR_S or P.' }) @IsString() @MaxLength(8) chartType!: string;
  @Field(() => Int, { defaultValue: 5 }) @IsInt() @Min(1) @Max(50) zones!: number;
  @Field(() => Int, { nullable: true }) @IsOptional() @IsInt() @Min(0) zone?: number | null;
  @Field(() => [String], { description: `Run rules: ${RUN_RULES.join(', ')}.` })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(12)
  @IsIn([...RUN_RULES], { each: true })
  rules!: string[];
  @Field({ defaultValue: true }) @IsBoolean() holdOnViolation!: boolean;
}

@InputType({ description: 'Freeze a chart’s limits from a baseline of sheets; the chart’s next limits version.' })
export class FreezeSpcLimitsInput {
  @Field(() => ID) @IsUUID() chartId!: string;
  @Field(() => [String], { description: 'The baseline sheets (their current results), at least 2; 20 to 25 is usual.' })
  @IsArray()
  @ArrayMinSize(2)
  @ArrayMaxSize(1000)
  @IsString({ each: true })
  baselineSheets!: string[];
  @Field() @IsString() @MinLength(1) @MaxLength(2000) reason!: string;
}

// ------------------------------------------------------------------------------------------------ patterns

@ObjectType('MapRegion')
export class MapRegionModel {
  @Field(() => Int) rowFrom!: number;
  @Field(() => Int) rowTo!: number;
  @Field(() => Int) colFrom!: number;
  @Field(() => Int) colTo!: number;
  @Field(() => Float) mdFromMm!: number;
  @Field(() => Float) mdToMm!: number;
}

@ObjectType('MapCell')
export class MapCellModel {
  @Field(() => Int, { description: 'Row of the grid: on a roll map, counted over the roll’s tested sheets in MD order.' }) row!: number;
  @Field(() => Int) col!: number;
}

@ObjectType('PatternFinding', { description: 'One spatial signature found on a map, with its significance and what it covers.' })
export class PatternFindingModel {
  @Field({ description: 'CD_LANE, CD_SMILE, CD_FROWN, MD_DRIFT, MD_STEP, MD_PERIODIC, CLUSTER or EDGE.' }) kind!: string;
  @Field({ description: 'FAIL (the failure map) or METRIC (the ASR map).' }) source!: string;
  @Field(() => Float, { description: '−log10 of the corrected p-value under random defects and noise.' }) score!: number;
  @Field(() => Float, { description: 'Size of the effect (see the description).' }) effect!: number;
  @Field() description!: string;
  @Field(() => MapRegionModel) region!: MapRegionModel;
  @Field(() => [Int], { nullable: true }) cols?: number[];
  @Field(() => [Int], { nullable: true }) rows?: number[];
  @Field(() => [MapCellModel], { nullable: true }) cells?: MapCellModel[];
  @Field(() => Float, {
    nullable: true,
    description: 'Periodic defects: the repeat distance along MD, mm (compare with roller circumferences).',
  })
  repeatDistanceMm?: number;
  @Field(() => [String], { nullable: true }) sides?: string[];
}

@ObjectType('SheetPatterns', { description: 'The spatial classes of a sheet’s current results.' })
export class SheetPatternsModel {
  @Field() sheetBarcode!: string;
  @Field(() => AnalyticsSheetRef, { description: 'The sheet (tracking).' }) sheet!: AnalyticsSheetRef;
  @Field() rollBarcode!: string;
  @Field(() => [String], { description: 'Classes found, strongest first; [RANDOM] when none.' }) classes!: string[];
  @Field(() => Float) failRate!: number;
  @Field(() => [PatternFindingModel]) findings!: PatternFindingModel[];
  @Field(() => GraphQLISODateTime) classifiedAt!: Date;
}

@ObjectType('RollPatterns', { description: 'The spatial classes of a roll: its tested sheets one after the other along MD.' })
export class RollPatternsModel {
  @Field() rollBarcode!: string;
  @Field(() => AnalyticsRollRef, { description: 'The roll (tracking).' }) roll!: AnalyticsRollRef;
  @Field(() => Int) sheets!: number;
  @Field(() => [String]) classes!: string[];
  @Field(() => Float) failRate!: number;
  @Field(() => [PatternFindingModel]) findings!: PatternFindingModel[];
  @Field(() => GraphQLISODateTime) classifiedAt!: Date;
}

@ObjectType('StackedPosition')
export class StackedPositionModel {
  @Field(() => Int) row!: number;
  @Field(() => Int) col!: number;
  @Field(() => Int) tested!: number;
  @Field(() => Int) failed!: number;
  @Field(() => Float) failRate!: number;
  @Field(() => Float, { nullable: true, description: 'Mean of the metric over the sheets where the position passed.' }) metricMean!:
    number | null;
  @Field(() => Float, { description: '−log10 of the corrected chance of this many failures at the stack’s overall rate.' })
  repeatScore!: number;
}

@ObjectType('StackedMap', { description: 'The same (row, col) over many sheets: positions that fail again and again.' })
export class StackedMapModel {
  @Field(() => Int) rows!: number;
  @Field(() => Int) cols!: number;
  @Field(() => [String]) sheetBarcodes!: string[];
  @Field(() => Float) failRate!: number;
  @Field(() => [StackedPositionModel]) positions!: StackedPositionModel[];
  @Field(() => [StackedPositionModel], { description: 'Positions whose failures repeat beyond chance, worst first.' })
  repeaters!: StackedPositionModel[];
}

// ------------------------------------------------------------------------------------------------ correlation

@ObjectType('ChannelCorrelation', { description: 'A process channel against the cell metric at the same cells.' })
export class ChannelCorrelationModel {
  @Field({ description: '"<operation> <channel> [unit]" for traces, "<layer> thickness [µm]" for thickness maps.' }) channel!: string;
  @Field(() => Int) n!: number;
  @Field(() => Float) pearson!: number;
  @Field(() => Float) spearman!: number;
  @Field(() => Float) pValue!: number;
  @Field(() => Float, { description: 'Metric change per unit of the channel.' }) slope!: number;
}

@ObjectType('ChannelDifference', { description: 'What was different where cells failed: the channel over failed against passing cells.' })
export class ChannelDifferenceModel {
  @Field() channel!: string;
  @Field(() => Int) nFailed!: number;
  @Field(() => Int) nPassed!: number;
  @Field(() => Float, { nullable: true }) meanFailed!: number | null;
  @Field(() => Float, { nullable: true }) meanPassed!: number | null;
  @Field(() => Float, { nullable: true }) difference!: number | null;
  @Field(() => Float) pValue!: number;
}

@ObjectType('CorrelationScatter', {
  description: 'The sampled cells of one channel: its value and the cell metric at each (passing cells).',
})
export class CorrelationScatterModel {
  @Field() channel!: string;
  @Field(() => [Float]) channelValues!: number[];
  @Field(() => [Float], { description: 'The cell metric at the same cells, in the same order.' }) metricValues!: number[];
}

@ObjectType('RollCorrelation', {
  description:
    'A roll’s cell metric against the process values at each cell (computed by a job on request, and again when the roll’s results change).',
})
export class RollCorrelationModel {
  @Field() rollBarcode!: string;
  @Field() metric!: string;
  @Field({ description: 'QUEUED, RUNNING, DONE or FAILED.' }) status!: string;
  @Field(() => String, {
    nullable: true,
    description: 'Why it FAILED; on a DONE correlation, why the last refresh failed (the result shown is the one before).',
  })
  error!: string | null;
  @Field() requestedBy!: string;
  @Field(() => GraphQLISODateTime, { description: 'When it was last asked for: by its engineer, or by a refresh that failed.' })
  requestedAt!: Date;
  @Field(() => GraphQLISODateTime, { nullable: true }) completedAt!: Date | null;
  @Field(() => Int, { nullable: true }) cellsSampled!: number | null;
  @Field(() => Int, { nullable: true }) cellsWithProcessData!: number | null;
  @Field(() => [ChannelCorrelationModel], { description: 'Strongest first.' }) channels!: ChannelCorrelationModel[];
  @Field(() => [ChannelDifferenceModel], { description: 'Smallest p first.' }) failedVsPassed!: ChannelDifferenceModel[];
  @Field(() => [CorrelationScatterModel], {
    description: 'The sampled pairs behind the five strongest channels, in the order of channels.',
  })
  scatter!: CorrelationScatterModel[];
}
