import { Initial1795324638670 } from './1795324638670-initial';
import { EquipmentKeyLifecycle1796173825639 } from './1796173825639-equipment-key-lifecycle';
import { TraceMonthPartitions1796230000000 } from './1796230000000-trace-month-partitions';

/** In order; never edit a committed migration, add a new one (npm run migration:generate). */
export const PROCESS_MIGRATIONS = [Initial1795324638670, EquipmentKeyLifecycle1796173825639, TraceMonthPartitions1796230000000];
