import { Module } from '@nestjs/common';
import { CellSpectrumResolver, PackedRollMapResolver, PackedSheetMapResolver } from './cell-spectrum.resolver';
import { CellSpectrumService } from './cell-spectrum.service';

/** What the web UI reads beyond the results: a cell's spectrum and fit, and the heat maps packed. */
@Module({ providers: [CellSpectrumService, CellSpectrumResolver, PackedSheetMapResolver, PackedRollMapResolver] })
export class SpectraModule {}
