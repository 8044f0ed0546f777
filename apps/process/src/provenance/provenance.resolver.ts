import { Args, GraphQLISODateTime, ID, Int, Query, Resolver } from '@nestjs/graphql';
import { CellProvenanceModel, ParameterTrendPointModel, RunWhereUsedModel, SheetPredictedCapacityModel } from './provenance.model';
import { ProvenanceService } from './provenance.service';

@Resolver()
export class ProvenanceResolver {
  constructor(private readonly provenance: ProvenanceService) {}

  @Query(() => CellProvenanceModel, {
    description: 'The layer stack of one cell: recipe, equipment, run, actuals and the traces at its MD position.',
  })
  cellProvenance(
    @Args('sheet') sheet: string,
    @Args('row', { type: () => Int }) row: number,
    @Args('col', { type: () => Int }) col: number,
  ): Promise<CellProvenanceModel> {
    return this.provenance.cell(sheet, row, col);
  }

  @Query(() => SheetPredictedCapacityModel, {
    description:
      'Every cell’s predicted capacity on a sheet, from the newest LCO thickness map at its roll position (through splices and slits).',
  })
  sheetPredictedCapacity(@Args('sheet') sheet: string): Promise<SheetPredictedCapacityModel> {
    return this.provenance.sheetCapacity(sheet);
  }

  @Query(() => RunWhereUsedModel, { description: 'The sheets and cells a process run touched.' })
  runWhereUsed(@Args('runId', { type: () => ID }) runId: string): Promise<RunWhereUsedModel> {
    return this.provenance.whereUsed(runId);
  }

  @Query(() => [ParameterTrendPointModel], { description: 'A recorded parameter across runs (and so across rolls), oldest first.' })
  parameterTrend(
    @Args('operation') operation: string,
    @Args('parameter') parameter: string,
    @Args('recipeName', { nullable: true }) recipeName?: string,
    @Args('from', { type: () => GraphQLISODateTime, nullable: true }) from?: Date,
    @Args('to', { type: () => GraphQLISODateTime, nullable: true }) to?: Date,
    @Args('limit', { type: () => Int, defaultValue: 500 }) limit = 500,
  ): Promise<ParameterTrendPointModel[]> {
    return this.provenance.trend(operation, parameter, { recipeName, from, to, limit: Math.min(Math.max(limit, 1), 10_000) });
  }
}
