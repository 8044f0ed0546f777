import { Global, Module } from '@nestjs/common';
import { AuditRepository } from './audit/audit.repository';
import { AuditResolver } from './audit/audit.resolver';
import { AuditService } from './audit/audit.service';
import { HistoryRepository } from './history/history.repository';
import { HistoryResolver } from './history/history.resolver';
import { HistoryService } from './history/history.service';
import { CellStateResolver } from './holds/cell-state.resolver';
import { CellStateService } from './holds/cell-state.service';
import { HoldRepository } from './holds/hold.repository';
import { HoldResolver } from './holds/hold.resolver';
import { HoldService } from './holds/hold.service';
import { CellHoldsResolver, RollHoldsResolver, SheetHoldsResolver } from './holds/sheet-holds.resolver';
import { IdentityRepository } from './identity/identity.repository';
import { IdentityResolver } from './identity/identity.resolver';
import { IdentityService } from './identity/identity.service';
import { MasterDataResolver, ProductReferenceResolver, StationReferenceResolver } from './master-data/master-data.resolver';
import { MasterDataRepository } from './master-data/master-data.repository';
import { MasterDataService } from './master-data/master-data.service';
import { MaterialRepository } from './material/material.repository';
import { CellResolver, RollResolver, SheetResolver } from './material/material.resolver';
import { RollService } from './material/roll.service';
import { SheetCutService } from './material/sheet-cut.service';
import { PatterningResolver, ProductPatternLayoutsResolver, SheetPatterningResolver } from './patterning/patterning.resolver';
import { PatterningRepository } from './patterning/patterning.repository';
import { PatterningService } from './patterning/patterning.service';
import { QueueTimeRepository } from './scanning/queue-time.repository';
import { ScanController } from './scanning/scan.controller';
import { ScanEventRepository } from './scanning/scan-event.repository';
import { ScanResolver } from './scanning/scan.resolver';
import { RecountResolver } from './scanning/recount.resolver';
import { RecountService } from './scanning/recount.service';
import { ScanService } from './scanning/scan.service';
import { SheetCountsRepository } from './scanning/sheet-counts.repository';
import { SingulationGate } from './scanning/singulation-gate';

/** The audit trail: every other context writes through it. */
@Global()
@Module({ providers: [AuditRepository, AuditService, AuditResolver], exports: [AuditService] })
export class AuditModule {}

/** Users, passwords, login. */
@Module({ providers: [IdentityRepository, IdentityService, IdentityResolver], exports: [IdentityService] })
export class IdentityModule {}

/** Sites, lines, stations, equipment, products and their route versions. */
@Module({
  providers: [MasterDataRepository, MasterDataService, MasterDataResolver, StationReferenceResolver, ProductReferenceResolver],
  exports: [MasterDataRepository, MasterDataService],
})
export class MasterDataModule {}

/** Rolls, sheets, cells and their genealogy. */
@Module({
  imports: [MasterDataModule],
  providers: [MaterialRepository, RollService, SheetCutService, RollResolver, SheetResolver, CellResolver],
  exports: [MaterialRepository, RollService, SheetCutService],
})
export class MaterialModule {}

/** Holds on rolls, roll regions, sheets and cells, and their dispositions. */
@Module({
  imports: [MaterialModule, IdentityModule], // a release is signed: identity checks the password
  providers: [
    HoldRepository,
    HoldService,
    HoldResolver,
    SheetHoldsResolver,
    RollHoldsResolver,
    CellHoldsResolver,
    CellStateService,
    CellStateResolver,
  ],
  exports: [HoldRepository, HoldService],
})
export class HoldsModule {}

/** Station scans (the scan mutation and POST /api/v1/scans): track-in and track-out along the route, with queue-time limits between vacuum steps. */
@Module({
  imports: [MasterDataModule, MaterialModule, HoldsModule],
  controllers: [ScanController],
  providers: [
    ScanService,
    QueueTimeRepository,
    ScanEventRepository,
    ScanResolver,
    SingulationGate,
    SheetCountsRepository,
    RecountService,
    RecountResolver,
  ],
  exports: [ScanService],
})
export class ScanningModule {}

/** Pattern layouts (versioned, signed, allowed per product) and the patterning of sheets, which gives a sheet its grid. */
@Module({
  imports: [MasterDataModule, MaterialModule, HoldsModule, IdentityModule],
  providers: [PatterningRepository, PatterningService, PatterningResolver, ProductPatternLayoutsResolver, SheetPatterningResolver],
  exports: [PatterningService],
})
export class PatterningModule {}

/** A unit's history across scans, holds and genealogy. */
@Module({ imports: [MaterialModule, HoldsModule], providers: [HistoryRepository, HistoryService, HistoryResolver] })
export class HistoryModule {}
