import { Args, Query, Resolver } from '@nestjs/graphql';
import { DomainError } from '@mes/service-core';
import { RegionInput, RegionYieldModel } from './region-yield.model';
import { RegionYieldRepository } from '@mes/test-data-store';

/**
 * Yield over roll regions, grouped by label: how the process service answers "yield by interlayer
 * material" or "by experiment arm" without reading test-data's tables. Regions of one label are
 * summed (a cell in two overlapping regions of a label counts twice: labels are meant to be disjoint).
 */
@Resolver()
export class RegionYieldResolver {
  constructor(private readonly repository: RegionYieldRepository) {}

  @Query(() => [RegionYieldModel], { description: 'First-pass and final yield of the cells in MD regions of rolls, per label.' })
  async regionYield(@Args('regions', { type: () => [RegionInput] }) regions: RegionInput[]): Promise<RegionYieldModel[]> {
    if (regions.length > 10_000)
      throw new DomainError('VALIDATION_FAILED', `${regions.length} regions: expected at most 10000`, [
        { path: 'regions', message: 'expected at most 10000 regions' },
      ]);
    regions.forEach((r, i) => {
      if (!(Number.isFinite(r.mdStartMm) && Number.isFinite(r.mdEndMm) && r.mdStartMm < r.mdEndMm)) {
        throw new DomainError('VALIDATION_FAILED', `regions[${i}]: expected mdStartMm < mdEndMm, got [${r.mdStartMm}, ${r.mdEndMm})`, [
          { path: `regions[${i}].mdEndMm`, message: 'expected mdStartMm < mdEndMm' },
        ]);
      }
    });
    if (regions.length === 0) return [];
    return this.repository.yieldByLabel(regions);
  }
}
