import { Directive, Parent, ResolveField, ResolveReference, Resolver } from '@nestjs/graphql';
import { ProcessRunModel } from '../runs/run.model';
import { CellProcessRef, RollProcessRef, SheetProcessRef, TraceChannelSummaryModel } from './material-provenance.model';
import { CellProvenanceModel } from './provenance.model';
import { ProvenanceService } from './provenance.service';

/** How a roll was made, reached from tracking's Roll (roll { processRuns { recipeName } traceSummary { channel mean } }). */
@Resolver(() => RollProcessRef)
export class RollProcessResolver {
  constructor(private readonly material: ProvenanceService) {}

  @ResolveReference()
  resolveReference(ref: RollProcessRef): RollProcessRef {
    return { barcode: ref.barcode };
  }

  @ResolveField(() => [ProcessRunModel], { description: 'Every process run on this roll, in the order they started.' })
  processRuns(@Parent() roll: RollProcessRef): Promise<ProcessRunModel[]> {
    return this.material.runsOfRoll(roll.barcode);
  }

  @ResolveField(() => [TraceChannelSummaryModel], {
    description: 'The roll’s equipment traces per operation and channel, over every batch of its runs (in process order).',
  })
  traceSummary(@Parent() roll: RollProcessRef): Promise<TraceChannelSummaryModel[]> {
    return this.material.traceSummaryOfRoll(roll.barcode);
  }
}

/** How a sheet was made, reached from tracking's Sheet. */
@Resolver(() => SheetProcessRef)
export class SheetProcessResolver {
  constructor(private readonly material: ProvenanceService) {}

  @ResolveReference()
  resolveReference(ref: SheetProcessRef): SheetProcessRef {
    return ref;
  }

  @ResolveField(() => [ProcessRunModel], {
    description: 'The sheet’s provenance: every run over the stretch it was cut from (through splices and slits), in process order.',
  })
  @Directive('@requires(fields: "rollBarcode mdStartMm mdEndMm")')
  processRuns(@Parent() sheet: SheetProcessRef): Promise<ProcessRunModel[]> {
    return this.material.runsOfSheet(sheet);
  }
}

/** How a cell was made, reached from tracking's Cell. */
@Resolver(() => CellProcessRef)
export class CellProcessResolver {
  constructor(private readonly provenanceService: ProvenanceService) {}

  @ResolveReference()
  resolveReference(ref: CellProcessRef): CellProcessRef {
    return { sheetBarcode: ref.sheetBarcode, row: ref.row, col: ref.col };
  }

  @ResolveField(() => CellProvenanceModel, {
    nullable: true,
    description: 'The cell’s layer stack: runs, recipe parameters, actuals and the traces at its position (as cellProvenance).',
  })
  provenance(@Parent() cell: CellProcessRef): Promise<CellProvenanceModel | null> {
    return this.provenanceService.cellBatched(cell);
  }
}
