import { Initial1796104733085 } from './1796104733085-initial';

/** In order; never edit a committed migration, add a new one (npm run migration:generate). */
export const ASSEMBLY_MIGRATIONS = [Initial1796104733085];
