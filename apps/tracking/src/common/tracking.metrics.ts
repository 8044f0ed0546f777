import type { Actor } from '@mes/auth';
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
  holdsPlaced: counter(
    'mes_holds_placed_total',
    'Holds placed, by target and by whom: a person, a service (low yield, excursion) or the queue-time rule',
    ['target', 'source'],
  ),
};

/** A person's hold is "person"; a service's (svc-binning-worker for low yield, svc-process for an excursion) keeps its account name. */
export function holdSource(actor: Actor): string {
  return actor.username.startsWith('svc-') ? actor.username : 'person';
}
