import { Args, Float, Parent, ResolveField, ResolveReference, Resolver } from '@nestjs/graphql';
import { BinCountModel, CellMetric, CellResultModel, RollMapModel, RollYieldModel, SheetMapModel, SheetTestModel } from './results.model';
import { ResultsService } from './results.service';
import { CellResultsRef, RollResultsRef, SheetResultsRef, SheetYieldModel } from './material-results.model';

/** A sheet's results, reached from tracking's Sheet (e.g. roll { sheets { map(metric: OCV_V) { values } } }). */
@Resolver(() => SheetResultsRef)
export class SheetResultsResolver {
  constructor(private readonly results: ResultsService) {}

  @ResolveReference()
  resolveReference(ref: { barcode: string }): SheetResultsRef {
    return { barcode: ref.barcode };
  }

  @ResolveField(() => SheetMapModel, { description: 'A heat map of one metric over the sheet (as sheetMap).' })
  map(@Parent() sheet: SheetResultsRef, @Args('metric', { type: () => CellMetric }) metric: CellMetric): Promise<SheetMapModel> {
    return this.results.sheetMap(sheet.barcode, metric);
  }

  @ResolveField(() => SheetYieldModel, { description: 'First-pass and final yield of the sheet’s tested cells.' })
  yield(@Parent() sheet: SheetResultsRef): Promise<SheetYieldModel> {
    return this.results.sheetYield(sheet.barcode);
  }

  @ResolveField(() => [BinCountModel], { description: 'Bin Pareto of the sheet’s current results (as binPareto(sheet)).' })
  binPareto(@Parent() sheet: SheetResultsRef): Promise<BinCountModel[]> {
    return this.results.binPareto({ sheet: sheet.barcode });
  }

  @ResolveField(() => [SheetTestModel], { description: 'Every test posted for the sheet, oldest first (as sheetTests).' })
  tests(@Parent() sheet: SheetResultsRef): Promise<SheetTestModel[]> {
    return this.results.sheetTests(sheet.barcode);
  }
}

/** A roll's results, reached from tracking's Roll. */
@Resolver(() => RollResultsRef)
export class RollResultsResolver {
  constructor(private readonly results: ResultsService) {}

  @ResolveReference()
  resolveReference(ref: { barcode: string }): RollResultsRef {
    return { barcode: ref.barcode };
  }

  @ResolveField(() => RollMapModel, { description: 'A heat map of one metric over the roll in MD x CD bins (as rollMap).' })
  map(
    @Parent() roll: RollResultsRef,
    @Args('metric', { type: () => CellMetric }) metric: CellMetric,
    @Args('mdStepMm', { type: () => Float, nullable: true }) mdStepMm?: number,
    @Args('cdStepMm', { type: () => Float, nullable: true }) cdStepMm?: number,
  ): Promise<RollMapModel> {
    return this.results.rollMap(roll.barcode, metric, mdStepMm, cdStepMm);
  }

  @ResolveField(() => RollYieldModel, { description: 'First-pass and final yield of the roll’s tested cells (as rollYield).' })
  yield(@Parent() roll: RollResultsRef): Promise<RollYieldModel> {
    return this.results.rollYield(roll.barcode);
  }

  @ResolveField(() => [BinCountModel], { description: 'Bin Pareto of every tested sheet of the roll (as binPareto(roll)).' })
  binPareto(@Parent() roll: RollResultsRef): Promise<BinCountModel[]> {
    return this.results.binPareto({ roll: roll.barcode });
  }
}

/** A cell's results, reached from tracking's Cell (e.g. sheet { cell(row: 3, col: 4) { result { binName history { testId } } } }). */
@Resolver(() => CellResultsRef)
export class CellResultsResolver {
  constructor(private readonly results: ResultsService) {}

  @ResolveReference()
  resolveReference(ref: CellResultsRef): CellResultsRef {
    return { sheetBarcode: ref.sheetBarcode, row: ref.row, col: ref.col };
  }

  @ResolveField(() => CellResultModel, {
    nullable: true,
    description:
      'The result that counts (bins, grade, metrics) and the history of the cell’s tests (as cellResult); null when never tested.',
  })
  result(@Parent() cell: CellResultsRef): Promise<CellResultModel | null> {
    return this.results.cellResultBatched(cell);
  }
}
