import { Initial1796105999778 } from './1796105999778-initial';
import { StackTestComparison1796172732105 } from './1796172732105-stack-test-comparison';
import { StackRoute1796173857937 } from './1796173857937-stack-route';
import { LayerCapacitySource1796175134353 } from './1796175134353-layer-capacity-source';
import { StackProductRoute1796180000000 } from './1796180000000-stack-product-route';

/** In order; never edit a committed migration, add a new one (npm run migration:generate). */
export const ASSEMBLY_MIGRATIONS = [
  Initial1796105999778,
  StackTestComparison1796172732105,
  StackRoute1796173857937,
  LayerCapacitySource1796175134353,
  StackProductRoute1796180000000,
];
