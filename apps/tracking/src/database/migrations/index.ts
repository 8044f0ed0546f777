import { Initial1795316103926 } from './1795316103926-initial';
import { QueueTime1795324263035 } from './1795324263035-queue-time';
import { ThermalBudget1796106458284 } from './1796106458284-thermal-budget';
import { LoginFailures1796173090321 } from './1796173090321-login-failures';
import { PatternLayouts1796217796171 } from './1796217796171-pattern-layouts';
import { SheetCountCorrections1796219954273 } from './1796219954273-sheet-count-corrections';

/** In order; never edit a committed migration, add a new one (npm run migration:generate). */
export const TRACKING_MIGRATIONS = [
  Initial1795316103926,
  QueueTime1795324263035,
  ThermalBudget1796106458284,
  LoginFailures1796173090321,
  PatternLayouts1796217796171,
  SheetCountCorrections1796219954273,
];
