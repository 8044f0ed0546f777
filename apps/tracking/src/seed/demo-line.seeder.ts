import { Injectable, Logger } from '@nestjs/common';
import { Role, type Actor } from '@mes/auth';
import { UnitLevelEnum } from '../master-data/master-data.model';
import { MasterDataRepository } from '../master-data/master-data.repository';
import { MasterDataService } from '../master-data/master-data.service';
import { RollService } from '../material/roll.service';
import { PatterningService } from '../patterning/patterning.service';
import { SheetCutService } from '../material/sheet-cut.service';
import { ScanActionEnum } from '../scanning/scan.model';
import { ScanService } from '../scanning/scan.service';
import { DEMO_LINE } from './demo-line';

const SYSTEM: Actor = { userId: '0', username: 'system', role: Role.ADMIN };

/** Seeds the demo line through the same services operators use, so it is consistent by construction. */
@Injectable()
export class DemoLineSeeder {
  private readonly logger = new Logger(DemoLineSeeder.name);

  constructor(
    private readonly masterDataRepo: MasterDataRepository,
    private readonly masterData: MasterDataService,
    private readonly rolls: RollService,
    private readonly cutter: SheetCutService,
    private readonly scans: ScanService,
    private readonly patterning: PatterningService,
  ) {}

  async seedIfEmpty(): Promise<boolean> {
    if ((await this.masterDataRepo.productCount()) > 0) return false;
    const d = DEMO_LINE;
    await this.masterData.createSite(SYSTEM, d.site);
    await this.masterData.createLine(SYSTEM, { ...d.line, siteCode: d.site.code });
    for (const step of d.route) {
      await this.masterData.createStation(SYSTEM, {
        code: step.station,
        name: step.name,
        operation: step.operation,
        lineCode: d.line.code,
      });
    }
    for (const s of d.extraStations) await this.masterData.createStation(SYSTEM, { ...s, lineCode: d.line.code });
    for (const e of d.equipment)
      await this.masterData.createEquipment(SYSTEM, { code: e.code, name: e.name, kind: e.kind, stationCode: e.station });
    await this.masterData.createProduct(SYSTEM, {
      ...d.product,
      layout: { ...d.product.layout },
      route: d.route.map((s) => ({
        operation: s.operation,
        level: s.level as UnitLevelEnum,
        vacuum: 'vacuum' in s ? s.vacuum : false,
        maxQueueMinutes: 'maxQueueMinutes' in s ? s.maxQueueMinutes : null,
      })),
    });
    const layout = { ...d.patternLayout, fiducials: d.patternLayout.fiducials.map((f) => ({ ...f })) };
    await this.patterning.create(SYSTEM, layout);
    await this.patterning.releaseDemoSeed(SYSTEM, { name: layout.name, version: 1 });
    await this.patterning.allow(SYSTEM, { productCode: d.product.code, layout: { name: layout.name, version: 1 } });
    for (const r of d.rolls) {
      await this.rolls.register(SYSTEM, {
        barcode: r.barcode,
        productCode: d.product.code,
        widthMm: r.widthMm,
        lengthM: r.lengthM,
        substrateThicknessUm: r.substrateThicknessUm,
        supplierLot: r.supplierLot,
      });
      await this.advance(r.barcode, r.advanceTo);
    }
    this.logger.log(`Seeded the demo line: product ${d.product.code}, ${d.rolls.length} rolls, sheets waiting at SHEET_TEST`);
    return true;
  }

  /**
   * Scan a roll (and the sheets cut from it) along the route until it waits at `target`. Step by
   * step for all sheets at once, so a sheet waits between two coaters only as long as the other
   * sheets' scans take (seconds): far inside the demo route's queue-time limits.
   */
  private async advance(rollBarcode: string, target: string): Promise<void> {
    const route = DEMO_LINE.route;
    const targetIndex = route.findIndex((s) => s.operation === target);
    let units: string[] = [rollBarcode];
    for (const step of route.slice(0, targetIndex)) {
      for (const barcode of units) await this.scans.scan(SYSTEM, { barcode, stationCode: step.station, action: ScanActionEnum.TRACK_IN });
      if (step.operation === 'CUT_TO_SHEETS') {
        const cut = await this.cutter.cut(SYSTEM, { rollBarcode, stationCode: step.station });
        await this.scans.scan(SYSTEM, { barcode: rollBarcode, stationCode: step.station, action: ScanActionEnum.TRACK_OUT });
        units = cut.sheets.map((s) => s.barcode);
        continue;
      }
      for (const barcode of units) {
        await this.scans.scan(SYSTEM, {
          barcode,
          stationCode: step.station,
          action: ScanActionEnum.TRACK_OUT,
          ...(step.level === 'SHEET' ? { goodCount: 2500, rejectCount: 0 } : {}),
        });
      }
    }
  }
}
