import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';

/** What a page showing a sheet hears when the sheet's results change. */
export interface SheetEvent {
  sheet: string;
  sheetTestId: string;
  status: string;
  cells: number;
  cellsBinned: number;
  disposition: string | null;
}

const PROGRESS = `SELECT id, sheet_barcode, status, cell_count, cells_binned, disposition FROM test_data.sheet_tests`;

/** How far a sheet's test is (status, cells binned, disposition), as the live pages are told. */
@Injectable()
export class SheetProgressRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** The sheet's newest test; null when it was never tested. */
  async newestOfSheet(sheet: string): Promise<SheetEvent | null> {
    const rows = await this.db.query<Record<string, unknown>[]>(`${PROGRESS} WHERE sheet_barcode = $1 ORDER BY received_at DESC LIMIT 1`, [
      sheet,
    ]);
    return rows.length ? toEvent(rows[0]) : null;
  }

  async ofTest(sheetTestId: string): Promise<SheetEvent | null> {
    const rows = await this.db.query<Record<string, unknown>[]>(`${PROGRESS} WHERE id = $1`, [sheetTestId]);
    return rows.length ? toEvent(rows[0]) : null;
  }
}

function toEvent(r: Record<string, unknown>): SheetEvent {
  return {
    sheet: String(r.sheet_barcode),
    sheetTestId: String(r.id),
    status: String(r.status),
    cells: Number(r.cell_count),
    cellsBinned: Number(r.cells_binned),
    disposition: (r.disposition as string | null) ?? null,
  };
}
