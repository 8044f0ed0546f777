import { Args, Float, GraphQLISODateTime, ID, Int, Mutation, Query, Resolver } from '@nestjs/graphql';
import { ANY_ROLE, CurrentActor, ENGINEERING, Roles, type Actor } from '@mes/auth';
import type { ThicknessMapEntity } from '../database/process.entities';
import { ThicknessService } from '../thickness/thickness.service';
import { CellProvenanceModel, ParameterTrendPointModel, ProductSettingsModel, RunWhereUsedModel, ThicknessMapInput, ThicknessMapModel } from './provenance.model';
import { ProvenanceService } from './provenance.service';

@Resolver()
export class ProvenanceResolver {
  constructor(private readonly provenance: ProvenanceService, private readonly thickness: ThicknessService) {}

  @Query(() => CellProvenanceModel, { description: 'The layer stack of one cell: recipe, equipment, run, actuals and the traces at its MD position.' })
  cellProvenance(@Args('sheet') sheet: string, @Args('row', { type: () => Int }) row: number, @Args('col', { type: () => Int }) col: number): Promise<CellProvenanceModel> {
    return this.provenance.cell(sheet, row, col);
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

  @Roles(...ANY_ROLE)
  @Mutation(() => ThicknessMapModel, { description: 'Metrology posts a layer thickness map of a roll.' })
  postThicknessMap(@CurrentActor() actor: Actor, @Args('input') input: ThicknessMapInput): Promise<ThicknessMapEntity> {
    return this.thickness.post(actor, input);
  }

  @Query(() => [ThicknessMapModel], { description: 'Thickness maps of a roll, newest first within a layer.' })
  thicknessMaps(@Args('rollBarcode') rollBarcode: string): Promise<ThicknessMapEntity[]> {
    return this.thickness.maps(rollBarcode);
  }

  @Roles(...ENGINEERING)
  @Mutation(() => ProductSettingsModel, { description: 'The fraction of LCO capacity a product’s cells deliver (for predicted capacity).' })
  setLcoUtilization(@CurrentActor() actor: Actor, @Args('productCode') productCode: string, @Args('lcoUtilization', { type: () => Float }) utilization: number): Promise<ProductSettingsModel> {
    return this.thickness.setLcoUtilization(actor, productCode, utilization);
  }

  @Query(() => ProductSettingsModel, { nullable: true })
  productProcessSettings(@Args('productCode') productCode: string): Promise<ProductSettingsModel | null> {
    return this.thickness.settings(productCode);
  }
}
