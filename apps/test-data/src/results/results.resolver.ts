import { Args, Float, Int, Query, Resolver } from '@nestjs/graphql';
import { BinCountModel, CellMetric, CellResultModel, RollMapModel, RollYieldModel, SheetMapModel, SheetTestModel } from './results.model';
import { ResultsService } from './results.service';

@Resolver()
export class ResultsResolver {
  constructor(private readonly results: ResultsService) {}

  @Query(() => SheetMapModel, { description: 'A heat map of one metric over a sheet, from each cell’s current result.' })
  sheetMap(@Args('sheet') sheet: string, @Args('metric', { type: () => CellMetric }) metric: CellMetric): Promise<SheetMapModel> {
    return this.results.sheetMap(sheet, metric);
  }

  @Query(() => CellResultModel, {
    nullable: true,
    description: 'A cell’s current result and the history of its tests; null when never tested.',
  })
  cellResult(
    @Args('sheet') sheet: string,
    @Args('row', { type: () => Int }) row: number,
    @Args('col', { type: () => Int }) col: number,
  ): Promise<CellResultModel | null> {
    return this.results.cellResult(sheet, row, col);
  }

  @Query(() => [BinCountModel], { description: 'Bin Pareto of the current results of a sheet, or of every tested sheet of a roll.' })
  binPareto(@Args('sheet', { nullable: true }) sheet?: string, @Args('roll', { nullable: true }) roll?: string): Promise<BinCountModel[]> {
    return this.results.binPareto({ sheet, roll });
  }

  @Query(() => RollMapModel, { description: 'A heat map of one metric over a roll, in MD x CD bins.' })
  rollMap(
    @Args('roll') roll: string,
    @Args('metric', { type: () => CellMetric }) metric: CellMetric,
    @Args('mdStepMm', { type: () => Float, nullable: true }) mdStepMm?: number,
    @Args('cdStepMm', { type: () => Float, nullable: true }) cdStepMm?: number,
  ): Promise<RollMapModel> {
    return this.results.rollMap(roll, metric, mdStepMm, cdStepMm);
  }

  @Query(() => RollYieldModel, { description: 'First-pass and final yield of the tested cells of a roll.' })
  rollYield(@Args('roll') roll: string): Promise<RollYieldModel> {
    return this.results.rollYield(roll);
  }

  @Query(() => [SheetTestModel], { description: 'Every test posted for a sheet, oldest first.' })
  sheetTests(@Args('sheet') sheet: string): Promise<SheetTestModel[]> {
    return this.results.sheetTests(sheet);
  }
}
