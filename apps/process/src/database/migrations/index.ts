import { Initial1795324638670 } from './1795324638670-initial';
import { EquipmentKeyLifecycle1796173825639 } from './1796173825639-equipment-key-lifecycle';

/** In order; never edit a committed migration, add a new one (npm run migration:generate). */
export const PROCESS_MIGRATIONS = [Initial1795324638670, EquipmentKeyLifecycle1796173825639];
