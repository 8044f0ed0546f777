import { Args, Float, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { DomainError } from '@mes/service-core';
import { RollResultsRef, SheetResultsRef } from '../results/material-results.model';
import { CellResultModel } from '../results/results.model';
import { DefectCorrelationModel, DefectDensityModel, DefectModel, InspectionModel } from './inspection.model';
import { InspectionsRepository } from '@mes/test-data-store';

/** Reads of inspections: root queries, and the same as fields of tracking's Sheet and Roll and of a cell's result. */
@Resolver()
export class InspectionQueriesResolver {
  constructor(private readonly repo: InspectionsRepository) {}

  @Query(() => [DefectModel], { description: 'Every defect of the newest inspection of a sheet, mapped to its cell, kerf or border.' })
  sheetDefects(@Args('sheet') sheet: string): Promise<DefectModel[]> {
    return this.repo.defectsOfSheet(sheet);
  }

  @Query(() => DefectDensityModel, {
    description: 'Defect counts and densities by class over a roll or its MD stretch [mdFromMm, mdToMm).',
  })
  rollDefectDensity(
    @Args('roll') roll: string,
    @Args('mdFromMm', { type: () => Float, nullable: true }) mdFromMm?: number,
    @Args('mdToMm', { type: () => Float, nullable: true }) mdToMm?: number,
  ): Promise<DefectDensityModel> {
    return this.repo.density({ roll, ...checkedStretch(mdFromMm, mdToMm) });
  }

  @Query(() => DefectCorrelationModel, { description: 'Whether the roll’s shorted cells sit where its inspections saw defects.' })
  defectCorrelation(@Args('roll') roll: string): Promise<DefectCorrelationModel> {
    return this.repo.correlation(roll);
  }
}

function checkedStretch(mdFromMm?: number | null, mdToMm?: number | null): { mdFromMm?: number; mdToMm?: number } {
  if (mdFromMm != null && mdToMm != null && !(mdToMm > mdFromMm))
    throw new DomainError('VALIDATION_FAILED', `mdToMm (${mdToMm}) must be greater than mdFromMm (${mdFromMm})`, [
      { path: 'mdToMm', message: 'expected a roll MD after mdFromMm' },
    ]);
  return { mdFromMm: mdFromMm ?? undefined, mdToMm: mdToMm ?? undefined };
}

@Resolver(() => SheetResultsRef)
export class SheetInspectionResolver {
  constructor(private readonly repo: InspectionsRepository) {}

  @ResolveField(() => [DefectModel], { description: 'Defects of the sheet’s newest inspection (as sheetDefects).' })
  defects(@Parent() sheet: SheetResultsRef): Promise<DefectModel[]> {
    return this.repo.defectsOfSheet(sheet.barcode);
  }

  @ResolveField(() => DefectDensityModel, { description: 'Defect counts and densities by class of the sheet’s newest inspection.' })
  defectDensity(@Parent() sheet: SheetResultsRef): Promise<DefectDensityModel> {
    return this.repo.density({ sheet: sheet.barcode });
  }

  @ResolveField(() => [InspectionModel], { description: 'Every inspection of the sheet, oldest first.' })
  inspections(@Parent() sheet: SheetResultsRef): Promise<InspectionModel[]> {
    return this.repo.inspectionsOfSheet(sheet.barcode);
  }
}

@Resolver(() => RollResultsRef)
export class RollInspectionResolver {
  constructor(private readonly repo: InspectionsRepository) {}

  @ResolveField(() => DefectDensityModel, {
    description: 'Defect counts and densities by class over the roll or an MD stretch (as rollDefectDensity).',
  })
  defectDensity(
    @Parent() roll: RollResultsRef,
    @Args('mdFromMm', { type: () => Float, nullable: true }) mdFromMm?: number,
    @Args('mdToMm', { type: () => Float, nullable: true }) mdToMm?: number,
  ): Promise<DefectDensityModel> {
    return this.repo.density({ roll: roll.barcode, ...checkedStretch(mdFromMm, mdToMm) });
  }

  @ResolveField(() => DefectCorrelationModel, { description: 'Whether the roll’s shorts sit where defects are (as defectCorrelation).' })
  defectCorrelation(@Parent() roll: RollResultsRef): Promise<DefectCorrelationModel> {
    return this.repo.correlation(roll.barcode);
  }
}

@Resolver(() => CellResultModel)
export class CellResultDefectsResolver {
  constructor(private readonly repo: InspectionsRepository) {}

  @ResolveField(() => [DefectModel], {
    description: 'The cell’s defects in the sheet’s newest inspection: in its active area, or in the kerf or border nearest to it.',
  })
  defects(@Parent() result: CellResultModel): Promise<DefectModel[]> {
    return this.repo.defectsOfCell({ sheetBarcode: result.sheet, row: result.row, col: result.col });
  }
}
