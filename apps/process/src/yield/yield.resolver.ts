import { Args, Float, Query, Resolver } from '@nestjs/graphql';
import { ConditionYieldModel, YieldComparisonModel } from './yield.model';
import { yieldComparison } from './yield-significance';
import { YieldService } from './yield.service';

@Resolver()
export class YieldResolver {
  constructor(private readonly yields: YieldService) {}

  @Query(() => [ConditionYieldModel], {
    description: 'Cell yield by the recorded value of a parameter (e.g. interlayer material); NUMBER values grouped in bins of binWidth.',
  })
  yieldByParameter(
    @Args('operation') operation: string,
    @Args('parameter') parameter: string,
    @Args('binWidth', { type: () => Float, nullable: true }) binWidth?: number,
    @Args('rollBarcodes', { type: () => [String], nullable: true }) rollBarcodes?: string[],
  ): Promise<ConditionYieldModel[]> {
    return this.yields.byParameter(operation, parameter, binWidth ?? null, rollBarcodes ?? null);
  }

  @Query(() => [ConditionYieldModel], { description: 'Cell yield per arm (condition) of an experiment.' })
  experimentYield(@Args('code') code: string): Promise<ConditionYieldModel[]> {
    return this.yields.byExperiment(code);
  }

  @Query(() => YieldComparisonModel, {
    description: 'yieldByParameter with a test of whether the conditions’ yields differ beyond chance.',
  })
  async yieldByParameterComparison(
    @Args('operation') operation: string,
    @Args('parameter') parameter: string,
    @Args('binWidth', { type: () => Float, nullable: true }) binWidth?: number,
    @Args('rollBarcodes', { type: () => [String], nullable: true }) rollBarcodes?: string[],
  ): Promise<YieldComparisonModel> {
    return yieldComparison(await this.yields.byParameter(operation, parameter, binWidth ?? null, rollBarcodes ?? null));
  }

  @Query(() => YieldComparisonModel, { description: 'experimentYield with a test of whether the arms’ yields differ beyond chance.' })
  async experimentYieldComparison(@Args('code') code: string): Promise<YieldComparisonModel> {
    return yieldComparison(await this.yields.byExperiment(code));
  }
}
