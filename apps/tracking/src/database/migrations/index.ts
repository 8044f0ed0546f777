import { Initial1795316103926 } from './1795316103926-initial';

/** In order; never edit a committed migration, add a new one (npm run migration:generate). */
export const TRACKING_MIGRATIONS = [Initial1795316103926];
