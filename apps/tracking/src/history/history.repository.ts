import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';

type Row = Record<string, unknown>;

/** What a unit's history is told from: its scans, the genealogy its roll's audit records tell, and the rolls made from it. */
@Injectable()
export class HistoryRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Every scan of a roll or a sheet, with the station's code. */
  scansOf(kind: 'ROLL' | 'SHEET', unitId: string): Promise<Row[]> {
    return this.db.query<Row[]>(
      `SELECT e.at, e.actor, e.action, e.operation, st.code AS station, e.good_count, e.reject_count
         FROM tracking.scan_events e JOIN tracking.stations st ON st.id = e.station_id
        WHERE e.unit_kind = $1 AND e.unit_id = $2`,
      [kind, unitId],
    );
  }

  /** The audit records of a roll's creation and genealogy (registered, spliced, slit, cut, consumed). */
  rollGenealogyRecords(rollBarcode: string): Promise<Row[]> {
    return this.db.query<Row[]>(
      `SELECT at, actor, action, after FROM tracking.audit_records
        WHERE entity_type = 'Roll' AND entity_key = $1 AND action IN ('REGISTER_ROLL', 'SPLICE_ROLLS', 'SLIT_ROLL', 'CUT_SHEETS', 'CONSUME_ROLL')`,
      [rollBarcode],
    );
  }

  /** The rolls made from a roll, with who made them and when. */
  childRolls(rollId: string): Promise<Row[]> {
    return this.db.query<Row[]>(
      `SELECT l.kind, c.barcode, l.created_at, l.created_by FROM tracking.roll_links l JOIN tracking.rolls c ON c.id = l.child_roll_id WHERE l.parent_roll_id = $1`,
      [rollId],
    );
  }
}
