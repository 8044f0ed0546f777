import { Injectable, Logger } from '@nestjs/common';
import { Role, type Actor } from '@mes/auth';
import { AssemblyMasterDataRepository } from '../master-data/master-data.repository';
import { AssemblyMasterDataService } from '../master-data/master-data.service';

const SYSTEM: Actor = { userId: '0', username: 'system', role: Role.ADMIN };

/**
 * The demo stack product and a work order, on an empty assembly schema. A 5 x 5 mm cell of 10 µm
 * LCO holds about 68.5 µAh/cm²/µm x 10 µm x 0.25 cm² x 0.9 utilisation ≈ 0.15 mAh, so a 1.2 mAh
 * battery is 8 layers [EST]; grades 1 and 2 are stacked; the matching rules are the defaults.
 */
export const DEMO_STACK_PRODUCT = {
  code: 'MLB-1200',
  name: 'Multilayer battery, 1.2 mAh, 8 x TFB-0505 in parallel',
  cellProductCode: 'TFB-0505',
  targetCapacityMah: 1.2,
  nominalCellCapacityMah: 0.15,
  maxLayers: 12,
  allowedGrades: [1, 2],
  asrSpreadPct: 10,
  capacitySpreadPct: 5,
  maxMdSpanMm: null,
  // As made (before formation) an anodeless stack reads about 0.1-1 V; a shorted layer pulls it to ~0.
  ocvMinV: 0.1,
  ocvMaxV: 4.3,
  // Well under the 14 % one open layer of 8 adds.
  impedanceTolerance: 0.05,
};
export const DEMO_WORK_ORDER = { code: 'WO-0001', stackProductCode: 'MLB-1200', quantity: 200 };

@Injectable()
export class DemoAssemblySeeder {
  private readonly logger = new Logger(DemoAssemblySeeder.name);

  constructor(
    private readonly masterData: AssemblyMasterDataService,
    private readonly repo: AssemblyMasterDataRepository,
  ) {}

  async seedIfEmpty(): Promise<boolean> {
    if ((await this.repo.productCount()) > 0) return false;
    await this.masterData.createStackProduct(SYSTEM, DEMO_STACK_PRODUCT, { checkLine: false });
    await this.masterData.createWorkOrder(SYSTEM, DEMO_WORK_ORDER);
    this.logger.log(`seeded stack product ${DEMO_STACK_PRODUCT.code} and work order ${DEMO_WORK_ORDER.code}`);
    return true;
  }
}
