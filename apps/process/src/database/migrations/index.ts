import { Initial1795324638670 } from './1795324638670-initial';

/** In order; never edit a committed migration, add a new one (npm run migration:generate). */
export const PROCESS_MIGRATIONS = [Initial1795324638670];
