import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import type { SheetCountsModel } from './recount.model';
import { SheetCountCorrectionEntity } from './sheet-count-correction.entity';

type Row = Record<string, unknown>;

const COUNTS = `
  SELECT e.id, e.operation, st.code AS station_code, e.good_count, e.reject_count, e.at,
         c.good_count AS c_good, c.reject_count AS c_reject, c.actor AS c_actor, c.at AS c_at, c.reason AS c_reason
    FROM tracking.scan_events e
    JOIN tracking.stations st ON st.id = e.station_id
    LEFT JOIN LATERAL (SELECT * FROM tracking.sheet_count_corrections x WHERE x.scan_event_id = e.id ORDER BY x.id DESC LIMIT 1) c ON true
   WHERE e.unit_kind = 'SHEET' AND e.unit_id = $1 AND e.action = 'TRACK_OUT' AND e.good_count IS NOT NULL`;

function toCounts(r: Row): SheetCountsModel {
  const corrected = r.c_good !== null;
  return {
    operation: String(r.operation),
    stationCode: String(r.station_code),
    goodCount: Number(corrected ? r.c_good : r.good_count),
    rejectCount: Number(corrected ? r.c_reject : (r.reject_count ?? 0)),
    trackedOutGoodCount: Number(r.good_count),
    trackedOutRejectCount: Number(r.reject_count ?? 0),
    trackedOutAt: r.at as Date,
    correctedBy: corrected ? String(r.c_actor) : null,
    correctedAt: corrected ? (r.c_at as Date) : null,
    correctionReason: corrected ? String(r.c_reason) : null,
  };
}

/** A sheet's good/reject counts out of its track-outs, with their corrections; a write takes the recount's transaction. */
@Injectable()
export class SheetCountsRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** The counts out of each operation the sheet was tracked out of with counts, oldest first. */
  async ofSheet(sheetId: string): Promise<SheetCountsModel[]> {
    return (await this.db.query<Row[]>(`${COUNTS} ORDER BY e.id`, [sheetId])).map(toCounts);
  }

  /** The sheet's newest track-out with counts at a station (null: none), with its event's id. */
  async lastTrackOutAt(
    m: EntityManager,
    sheetId: string,
    stationCode: string,
  ): Promise<{ scanEventId: string; counts: SheetCountsModel } | null> {
    const [row] = await m.query<Row[]>(`${COUNTS} AND st.code = $2 ORDER BY e.id DESC LIMIT 1`, [sheetId, stationCode]);
    return row ? { scanEventId: String(row.id), counts: toCounts(row) } : null;
  }

  async ofTrackOut(m: EntityManager, sheetId: string, scanEventId: string): Promise<SheetCountsModel> {
    const [after] = await m.query<Row[]>(`${COUNTS} AND e.id = $2`, [sheetId, scanEventId]);
    return toCounts(after);
  }

  async insertCorrection(
    m: EntityManager,
    c: { scanEventId: string; goodCount: number; rejectCount: number; reason: string; actor: string },
  ): Promise<void> {
    await m.insert(SheetCountCorrectionEntity, c);
  }
}
