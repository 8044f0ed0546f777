import { Initial1796104064785 } from './1796104064785-initial';

/** In order; never edit a committed migration, add a new one (npm run migration:generate). */
export const ASSEMBLY_MIGRATIONS = [Initial1796104064785];
