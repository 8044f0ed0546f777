import { Module } from '@nestjs/common';
import { CellSpectrumFieldResolver, CellSpectrumResolver, PackedRollMapResolver, PackedSheetMapResolver } from './cell-spectrum.resolver';
import { CellSpectrumRepository } from '@mes/test-data-store';
import { CellSpectrumService } from './cell-spectrum.service';

/** What the web UI reads beyond the results: a cell's spectrum and fit (also as Cell.spectrum), and the heat maps packed. */
@Module({
  providers: [
    CellSpectrumRepository,
    CellSpectrumService,
    CellSpectrumResolver,
    CellSpectrumFieldResolver,
    PackedSheetMapResolver,
    PackedRollMapResolver,
  ],
})
export class SpectraModule {}
