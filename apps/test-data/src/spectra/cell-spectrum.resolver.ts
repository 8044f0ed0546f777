import { Args, Int, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { CellResultsRef } from '../results/material-results.model';
import { RollMapModel, SheetMapModel } from '../results/results.model';
import { CellSpectrumModel } from './cell-spectrum.model';
import { CellSpectrumService } from './cell-spectrum.service';
import { packFloat32 } from './packed-values';

@Resolver()
export class CellSpectrumResolver {
  constructor(private readonly spectra: CellSpectrumService) {}

  @Query(() => CellSpectrumModel, {
    nullable: true,
    description:
      'A cell’s measured impedance spectrum and the fitted model (of its current result’s test, or of sheetTestId); null when never tested.',
  })
  cellSpectrum(
    @Args('sheet') sheet: string,
    @Args('row', { type: () => Int }) row: number,
    @Args('col', { type: () => Int }) col: number,
    @Args('sheetTestId', { type: () => String, nullable: true }) sheetTestId?: string | null,
  ): Promise<CellSpectrumModel | null> {
    // An explicit null is the same as leaving it out: the test that counts.
    return this.spectra.cellSpectrum(sheet, row, col, sheetTestId ?? undefined);
  }
}

/** A cell's spectrum, reached from tracking's Cell. */
@Resolver(() => CellResultsRef)
export class CellSpectrumFieldResolver {
  constructor(private readonly spectra: CellSpectrumService) {}

  @ResolveField(() => CellSpectrumModel, {
    nullable: true,
    description:
      'The measured spectrum and fitted model of the test that counts, or of sheetTestId (as cellSpectrum); null when never tested.',
  })
  spectrum(
    @Parent() cell: CellResultsRef,
    @Args('sheetTestId', { type: () => String, nullable: true }) sheetTestId?: string | null,
  ): Promise<CellSpectrumModel | null> {
    return this.spectra.cellSpectrum(cell.sheetBarcode, cell.row, cell.col, sheetTestId ?? undefined);
  }
}

const PACKED = 'The values as base64 of little-endian float32, NaN where there is none: the compact form for drawing.';

@Resolver(() => SheetMapModel)
export class PackedSheetMapResolver {
  @ResolveField(() => String, { description: PACKED })
  valuesFloat32(@Parent() map: SheetMapModel): string {
    return packFloat32(map.values);
  }
}

@Resolver(() => RollMapModel)
export class PackedRollMapResolver {
  @ResolveField(() => String, { description: PACKED })
  valuesFloat32(@Parent() map: RollMapModel): string {
    return packFloat32(map.values);
  }
}
