import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import type { PickedCell } from '@mes/interop';

/** What pickers did with sheets' cells (pick_result_cells). Writes take the service's transaction. */
@Injectable()
export class PickResultRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** The grid of the sheet's newest test, null before its first test. */
  async testedGrid(sheet: string): Promise<{ rows: number; cols: number } | null> {
    const [grid] = await this.db.query<{ rows: number; cols: number }[]>(
      `SELECT rows, cols FROM test_data.sheet_tests WHERE sheet_barcode = $1 ORDER BY received_at DESC LIMIT 1`,
      [sheet],
    );
    return grid ?? null;
  }

  /** How many cells the sheet's stored pick result has, and how many of them were picked. */
  async counts(m: EntityManager, sheet: string): Promise<{ cells: number; picked: number }> {
    const [counts] = await m.query<{ cells: number; picked: number }[]>(
      `SELECT count(*)::int AS cells, count(*) FILTER (WHERE picked)::int AS picked FROM test_data.pick_result_cells WHERE sheet_barcode = $1`,
      [sheet],
    );
    return counts;
  }

  /** Replaces the sheet's pick result with these cells. */
  async replace(m: EntityManager, sheet: string, importedBy: string, cells: readonly PickedCell[]): Promise<void> {
    await m.query(`DELETE FROM test_data.pick_result_cells WHERE sheet_barcode = $1`, [sheet]);
    await m.query(
      `INSERT INTO test_data.pick_result_cells (sheet_barcode, row, col, code, description, picked, imported_at, imported_by)
       SELECT $1, r, c, code, left(d, 64), p, now(), $2 FROM unnest($3::smallint[], $4::smallint[], $5::smallint[], $6::text[], $7::boolean[]) AS u(r, c, code, d, p)`,
      [
        sheet,
        importedBy,
        cells.map((c) => c.row),
        cells.map((c) => c.col),
        cells.map((c) => c.code),
        cells.map((c) => c.description),
        cells.map((c) => c.picked),
      ],
    );
  }

  /** Cells the picker took whose current result is not a pass grade (soft bins 1 to 9), or that have no result. */
  async pickedWithoutPassResult(m: EntityManager, sheet: string): Promise<number> {
    const [odd] = await m.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM test_data.pick_result_cells p
         LEFT JOIN test_data.current_cell_results r ON r.sheet_barcode = p.sheet_barcode AND r.row = p.row AND r.col = p.col
        WHERE p.sheet_barcode = $1 AND p.picked AND (r.soft_bin IS NULL OR r.soft_bin NOT BETWEEN 1 AND 9)`,
      [sheet],
    );
    return odd.n;
  }
}
