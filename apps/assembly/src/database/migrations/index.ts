import { Initial1796105999778 } from './1796105999778-initial';

/** In order; never edit a committed migration, add a new one (npm run migration:generate). */
export const ASSEMBLY_MIGRATIONS = [Initial1796105999778];
