import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { UnitLevel } from '../master-data/master-data.entities';
import type { QueueSource, VacuumExit } from './queue-time';

type Row = Record<string, unknown>;

/** The read a queue-time check needs, in one statement on the scan's connection and transaction. */
@Injectable()
export class QueueTimeRepository {
  /**
   * The vacuum track-out the unit's queue time counts from: the latest TRACK_OUT at one of
   * `vacuumSeqs` in the nearest source that has one (the unit, else its roll, else that roll's
   * parents; among several parents of one generation the oldest, the longest exposure). Each source
   * costs one backward step on ix_scan_events_unit. Also says whether a queue-time hold on this unit,
   * for this step and this track-out, was released with RELEASE. Null when there is no such track-out.
   */
  async lastVacuumExit(
    m: EntityManager,
    q: { unit: { kind: UnitLevel; id: string }; sources: QueueSource[]; vacuumSeqs: number[]; routeStepId: string },
  ): Promise<VacuumExit | null> {
    const rows = await m.query<Row[]>(
      `SELECT e.id, e.unit_kind, e.unit_id, e.operation, e.step_seq, e.at, r.barcode AS roll_barcode,
              floor(extract(epoch FROM now() - e.at) / 60)::int AS minutes,
              EXISTS (SELECT 1 FROM tracking.holds h
                       WHERE h.queue_from_event_id = e.id AND h.queue_route_step_id = $5 AND h.disposition = 'RELEASE'
                         AND (h.sheet_id = $6 OR (h.target = 'ROLL' AND h.roll_id = $7))) AS accepted
         FROM unnest($1::text[], $2::bigint[], $3::int[]) AS src(kind, unit_id, generation)
        CROSS JOIN LATERAL (
              SELECT se.id, se.unit_kind, se.unit_id, se.operation, se.step_seq, se.at FROM tracking.scan_events se
               WHERE se.unit_kind = src.kind AND se.unit_id = src.unit_id AND se.action = 'TRACK_OUT' AND se.step_seq = ANY($4::int[])
               ORDER BY se.at DESC, se.id DESC LIMIT 1) e
         LEFT JOIN tracking.rolls r ON e.unit_kind = 'ROLL' AND r.id = e.unit_id
        ORDER BY src.generation, e.at, e.id
        LIMIT 1`,
      [
        q.sources.map((s) => s.kind),
        q.sources.map((s) => s.id),
        q.sources.map((s) => s.generation),
        q.vacuumSeqs,
        q.routeStepId,
        q.unit.kind === 'SHEET' ? q.unit.id : null,
        q.unit.kind === 'ROLL' ? q.unit.id : null,
      ],
    );
    if (!rows.length) return null;
    const r = rows[0];
    return {
      eventId: String(r.id),
      own: r.unit_kind === q.unit.kind && String(r.unit_id) === q.unit.id,
      unitKind: r.unit_kind as UnitLevel,
      rollBarcode: (r.roll_barcode as string | null) ?? null,
      operation: String(r.operation),
      stepSeq: Number(r.step_seq),
      at: r.at as Date,
      minutes: Number(r.minutes),
      accepted: Boolean(r.accepted),
    };
  }
}
