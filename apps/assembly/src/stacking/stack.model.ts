import { Directive, Field, Float, InputType, Int, ObjectType } from '@nestjs/graphql';
import { ArrayMaxSize, ArrayMinSize, IsNumber, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';

/** Tracking's Sheet entity, referenced by barcode: the gateway resolves its fields from tracking. */
@ObjectType('Sheet')
@Directive('@key(fields: "barcode", resolvable: false)')
export class SheetReference {
  @Field() barcode!: string;
}

/** Tracking's Roll entity, referenced by barcode. */
@ObjectType('Roll')
@Directive('@key(fields: "barcode", resolvable: false)')
export class RollReference {
  @Field() barcode!: string;
}

/** Tracking's Cell entity, referenced by its sheet and position: its result (test-data) and provenance (process) come through the gateway. */
@ObjectType('Cell')
@Directive('@key(fields: "sheetBarcode row col", resolvable: false)')
export class CellReference {
  @Field() sheetBarcode!: string;
  @Field(() => Int) row!: number;
  @Field(() => Int) col!: number;
}

@ObjectType({ description: 'One layer of a stack, with where its cell came from and what it was when picked.' })
export class StackLayerModel {
  @Field(() => Int, { description: '1 = bottom.' }) layerIndex!: number;
  @Field() cellCode!: string;
  @Field() sheetBarcode!: string;
  @Field(() => Int) row!: number;
  @Field(() => Int) col!: number;
  @Field() rollBarcode!: string;
  @Field(() => Float) mdMm!: number;
  @Field(() => Float) cdMm!: number;
  @Field(() => Int) softBin!: number;
  @Field(() => Int, { nullable: true }) hardBin!: number | null;
  @Field(() => Float, { nullable: true }) asrOhmCm2!: number | null;
  @Field(() => Float) capacityMah!: number;
  @Field({ description: 'PREDICTED (from the LCO thickness map at its roll position) or NOMINAL.' }) capacitySource!: string;
  @Field(() => String, { nullable: true }) carrier!: string | null;
  @Field(() => Int, { nullable: true }) position!: number | null;
  @Field(() => SheetReference, { description: 'The sheet the cell was cut from (tracking, through federation).' }) sheet!: SheetReference;
  @Field(() => RollReference, { description: 'The roll the cell was made on (tracking, through federation).' }) roll!: RollReference;
  @Field(() => CellReference, {
    description: 'The layer cell as the graph knows it: its holds (tracking), result history (test-data) and provenance (process).',
  })
  cell!: CellReference;
}

@ObjectType()
export class StackHoldModel {
  @Field() holdId!: string;
  @Field() reason!: string;
  @Field({ description: 'The layer cell the hold covers.' }) cellCode!: string;
}

@ObjectType({ description: 'One hypothesis about a tested stack and how far its measured spectrum is from what it predicts.' })
export class StackHypothesisModel {
  @Field({ description: 'ALL_LAYERS (every layer connected) or LAYER_MISSING (all but `layer`).' }) hypothesis!: string;
  @Field(() => Int, { nullable: true, description: 'LAYER_MISSING: the 1-based layer left out.' }) layer!: number | null;
  @Field(() => Float, { description: 'RMS relative deviation of the measurement from this hypothesis’s 1/Σ(1/Z).' }) deviation!: number;
}

@ObjectType({ description: 'The stored spectrum a layer contributed to a stack test’s expectation.' })
export class StackLayerSpectrumModel {
  @Field(() => Int) layerIndex!: number;
  @Field() cellCode!: string;
  @Field({ description: 'test-data’s id of the sheet test whose spectrum was used (the cell’s current result).' }) sheetTestId!: string;
  @Field({ description: 'The rig’s test id of that sheet test.' }) testId!: string;
}

@ObjectType({ description: 'What a stack test verdict was drawn from: expected against measured impedance at each compared frequency.' })
export class StackTestComparisonModel {
  @Field(() => [Float], { description: 'The measured frequencies every layer’s spectrum covers: where the comparison was made.' })
  frequenciesHz!: number[];
  @Field(() => [Float], { description: 'Re of 1/Σ(1/Z_i) of the layers’ stored spectra, interpolated in log f.' })
  expectedZReOhm!: number[];
  @Field(() => [Float]) expectedZImOhm!: number[];
  @Field(() => [Float]) measuredZReOhm!: number[];
  @Field(() => [Float]) measuredZImOhm!: number[];
  @Field(() => [Float], { description: 'Measured frequencies outside some layer’s measured range, not compared.' })
  frequenciesLeftOut!: number[];
  @Field(() => Float, { description: '|Z measured| / |Z expected| at the lowest compared frequency; far below 1 means a shorted layer.' })
  lowFrequencyRatio!: number;
  @Field(() => [StackHypothesisModel]) hypotheses!: StackHypothesisModel[];
  @Field(() => [StackLayerSpectrumModel]) layerSpectra!: StackLayerSpectrumModel[];
}

@ObjectType()
export class StackTestModel {
  @Field() testId!: string;
  @Field() stationCode!: string;
  @Field(() => Float) ocvV!: number;
  @Field() bin!: string;
  @Field() reason!: string;
  @Field(() => Float, { nullable: true, description: 'RMS relative deviation of the spectrum from 1/Σ(1/Z) of its layers’ spectra.' })
  deviation!: number | null;
  @Field(() => Int, { nullable: true }) suspectLayer!: number | null;
  @Field(() => StackTestComparisonModel, { nullable: true, description: 'Null on tests judged before whole spectra were compared.' })
  comparison!: StackTestComparisonModel | null;
  @Field() testedBy!: string;
  @Field() testedAt!: Date;
}

@ObjectType({ description: 'A multilayer battery: its layers in order, its final test, and the holds that reach it through its cells.' })
export class StackModel {
  @Field() barcode!: string;
  @Field() productCode!: string;
  @Field(() => String, { nullable: true }) workOrder!: string | null;
  @Field({ description: 'BUILDING, BUILT, TESTED or SCRAPPED.' }) status!: string;
  @Field({ description: 'Where the stack is on its product’s route (STACKING, FORMATION, STACK_TEST by default; scanStack moves it).' })
  step!: string;
  @Field({ description: 'AS_MADE, or FORMED once it left FORMATION (steps above 180 °C refuse it).' }) electrochemicalState!: string;
  @Field(() => Int) layersPlanned!: number;
  @Field(() => Float, { nullable: true, description: 'The smallest layer capacity N was computed from: ceil(target / it).' })
  layerCapacityMah!: number | null;
  @Field({ description: 'PREDICTED (LCO thickness maps at the cells’ roll positions) or NOMINAL (the stack product’s value).' })
  layersSource!: string;
  @Field(() => String, { nullable: true, description: 'PASS, OPEN_LAYER, SHORTED_LAYER or MISMATCH once tested.' }) bin!: string | null;
  @Field(() => String, { nullable: true }) binReason!: string | null;
  @Field() stationCode!: string;
  @Field() createdBy!: string;
  @Field() createdAt!: Date;
  @Field(() => [StackLayerModel]) layers!: StackLayerModel[];
  @Field(() => [StackTestModel]) tests!: StackTestModel[];
  @Field({ description: 'A hold on a roll, region, sheet or cell of any layer holds the stack.' }) onHold!: boolean;
  @Field(() => [StackHoldModel]) activeHolds!: StackHoldModel[];
}

@InputType()
export class StartStackInput {
  @Field()
  @Matches(/^STK-[A-Za-z0-9._-]{1,60}$/, { message: 'expected a stack barcode STK-<1-60 letters, digits, ".", "_" or "-">' })
  barcode!: string;
  @Field() @IsString() @MaxLength(32) productCode!: string;
  @Field({ nullable: true }) @IsOptional() @IsString() @MaxLength(32) workOrder?: string;
  @Field() @IsString() @MaxLength(32) stationCode!: string;
}

@InputType({ description: 'A stack scanned at a station of its route.' })
export class ScanStackInput {
  @Field() @IsString() @MaxLength(64) stackBarcode!: string;
  @Field() @IsString() @MaxLength(32) stationCode!: string;
}

@InputType()
export class AddStackLayerInput {
  @Field() @IsString() @MaxLength(64) stackBarcode!: string;
  @Field({ description: 'The scanned cell code <sheet>-R<row>C<col>.' }) @IsString() @MaxLength(100) cellCode!: string;
}

@ObjectType()
export class StackProposalModel {
  @Field() productCode!: string;
  @Field(() => Int) grade!: number;
  @Field(() => Int) layersPerStack!: number;
  @Field(() => Float, { description: 'The smallest capacity among the pool: N = ceil(target / it).' }) layerCapacityMah!: number;
  @Field({ description: 'PREDICTED or NOMINAL: where that smallest capacity came from.' }) layersSource!: string;
  @Field(() => Int) cellsAvailable!: number;
  @Field(() => Int, { description: 'floor(cells / N): no proposal can do better.' }) upperBound!: number;
  @Field(() => [[String]], { description: 'Each stack’s cell codes, in layer order.' }) stacks!: string[][];
}

@InputType({ description: 'A stack final test: OCV and the impedance spectrum of the whole stack.' })
export class StackTestInput {
  @Field() @Matches(/^[A-Za-z0-9._:-]{1,64}$/, { message: 'expected 1-64 characters of [A-Za-z0-9._:-]' }) testId!: string;
  @Field() @IsString() @MaxLength(64) stackBarcode!: string;
  @Field() @IsString() @MaxLength(32) stationCode!: string;
  @Field(() => Float) @IsNumber() @Min(-1) @Max(6) ocvV!: number;
  @Field(() => [Float])
  @ArrayMinSize(3)
  @ArrayMaxSize(200)
  @IsNumber({ allowNaN: false, allowInfinity: false }, { each: true })
  frequenciesHz!: number[];
  @Field(() => [Float])
  @ArrayMinSize(3)
  @ArrayMaxSize(200)
  @IsNumber({ allowNaN: false, allowInfinity: false }, { each: true })
  zReOhm!: number[];
  @Field(() => [Float])
  @ArrayMinSize(3)
  @ArrayMaxSize(200)
  @IsNumber({ allowNaN: false, allowInfinity: false }, { each: true })
  zImOhm!: number[];
}

@ObjectType({ description: 'A stack holding cells of a roll region, sheet or roll.' })
export class WhereUsedStackModel {
  @Field() barcode!: string;
  @Field() status!: string;
  @Field(() => String, { nullable: true }) bin!: string | null;
  @Field(() => [String], { description: 'Its layer cells inside the region.' }) cellCodes!: string[];
}
