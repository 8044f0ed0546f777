import { counter } from '@mes/service-core';

/**
 * Tracking's figures for Prometheus. Station labels come from stations that exist (a scan at an
 * unknown code is refused before it is counted), so a caller cannot add series by inventing codes.
 */
export const trackingMetrics = {
  scans: counter('mes_scans_total', 'Scans by station, action and outcome (accepted, repeated, refused with a hold)', [
    'station',
    'action',
    'outcome',
  ]),
  holdsPlaced: counter('mes_holds_placed_total', 'Holds placed, by target and rule (manual or queue time)', ['target', 'rule']),
};
