import { Initial1795319069202 } from './1795319069202-initial';
import { CellRollPositions1795322438749 } from './1795322438749-cell-roll-positions';
import { ChunkedBinning1795324285873 } from './1795324285873-chunked-binning';
import { CurrentCellResults1795324748378 } from './1795324748378-current-cell-results';
import { RollMapAggregates1795325335895 } from './1795325335895-roll-map-aggregates';
import { AuditTrail1795325953283 } from './1795325953283-audit-trail';
import { ProductTestPolicies1795326058217 } from './1795326058217-product-test-policies';
import { RuleSetVersions1795326251238 } from './1795326251238-rule-set-versions';
import { SheetYieldsAndBinCounts1795327811609 } from './1795327811609-sheet-yields-and-bin-counts';
import { YieldAnalytics1796104028771 } from './1796104028771-yield-analytics';
import { RollCorrelations1796105780006 } from './1796105780006-roll-correlations';
import { PickResults1796105961357 } from './1796105961357-pick-results';
import { RigKeyLifecycle1796173752274 } from './1796173752274-rig-key-lifecycle';
import { RigOperation1796180000000 } from './1796180000000-rig-operation';
import { Inspections1796190034384 } from './1796190034384-inspections';
import { InspectionApplied1796192069864 } from './1796192069864-inspection-applied';
import { MonthPartitions1796220000000 } from './1796220000000-month-partitions';
import { SpcEventHoldsIndex1796300000000 } from './1796300000000-spc-event-holds-index';
import { SpcSecondChartSignedLimitsBackfill1796232121007 } from './1796232121007-spc-second-chart-signed-limits-backfill';

/** In order; never edit a committed migration, add a new one (npm run migration:generate). */
export const TEST_DATA_MIGRATIONS = [
  Initial1795319069202,
  CellRollPositions1795322438749,
  ChunkedBinning1795324285873,
  CurrentCellResults1795324748378,
  RollMapAggregates1795325335895,
  AuditTrail1795325953283,
  ProductTestPolicies1795326058217,
  RuleSetVersions1795326251238,
  SheetYieldsAndBinCounts1795327811609,
  YieldAnalytics1796104028771,
  RollCorrelations1796105780006,
  PickResults1796105961357,
  RigKeyLifecycle1796173752274,
  RigOperation1796180000000,
  Inspections1796190034384,
  InspectionApplied1796192069864,
  MonthPartitions1796220000000,
  SpcSecondChartSignedLimitsBackfill1796232121007,
  SpcEventHoldsIndex1796300000000,
];
