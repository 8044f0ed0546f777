import { ANALYTICS_ENTITIES } from './analytics.entities';
import { TestDataAuditRecordEntity } from './audit-record.entity';
import { CellFeatureEntity } from './cell-feature.entity';
import { CellResultEntity, CurrentCellResultEntity } from './cell-result.entities';
import { InspectionDefectEntity, InspectionEntity } from './inspection.entities';
import { RollMapEntity, RollMapRowEntity, SheetMapTileEntity } from './map.entities';
import { PickResultCellEntity } from './pick-result.entity';
import { ProductTestPolicyEntity } from './product-test-policy.entity';
import { RigEntity } from './rig.entity';
import { RebinRequestEntity, RuleSetEntity } from './rule-set.entities';
import { SheetTestCellEntity, SheetTestEntity } from './sheet-test.entities';
import { SheetBinCountEntity, SheetYieldEntity } from './sheet-yield.entities';

export * from './analytics.entities';
export * from './audit-record.entity';
export * from './cell-feature.entity';
export * from './cell-result.entities';
export * from './inspection.entities';
export * from './map.entities';
export * from './pick-result.entity';
export * from './product-test-policy.entity';
export * from './rig.entity';
export * from './rule-set.entities';
export * from './sheet-test.entities';
export * from './sheet-yield.entities';

/** Every table of the `test_data` schema; the migrations must match these (schema.integration-spec.ts). */
export const TEST_DATA_ENTITIES = [
  RigEntity,
  SheetTestEntity,
  SheetTestCellEntity,
  CellFeatureEntity,
  CellResultEntity,
  CurrentCellResultEntity,
  SheetMapTileEntity,
  RollMapRowEntity,
  RollMapEntity,
  TestDataAuditRecordEntity,
  ProductTestPolicyEntity,
  RuleSetEntity,
  RebinRequestEntity,
  SheetYieldEntity,
  SheetBinCountEntity,
  PickResultCellEntity,
  InspectionEntity,
  InspectionDefectEntity,
  ...ANALYTICS_ENTITIES,
];
