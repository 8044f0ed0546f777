import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { cellKey, type CellRef } from '@mes/geometry';

/** One cell of one test as stored: the raw spectrum (float32), the test's frequencies and the stored fit. */
export interface SpectrumRow {
  sheet_test_id: string;
  row: number;
  col: number;
  test_id: string;
  received_at: Date;
  temperature_c: number;
  rows: number;
  cols: number;
  frequencies: Buffer | null;
  frequency_count: number;
  status: string | null;
  ocv_v: number | null;
  spectrum: Buffer | null;
  features: Record<string, unknown> | null;
}

export interface SheetTestGrid {
  id: string;
  rows: number;
  cols: number;
}

/** Read queries of the stored spectra, each for any number of cells at once. */
@Injectable()
export class CellSpectrumRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** The tests of each sheet, newest first, with their grids. */
  async testsOfSheets(sheets: readonly string[]): Promise<Map<string, SheetTestGrid[]>> {
    const rows = await this.db.query<(SheetTestGrid & { sheet_barcode: string })[]>(
      `SELECT id, sheet_barcode, rows, cols FROM test_data.sheet_tests WHERE sheet_barcode = ANY($1::text[]) ORDER BY received_at DESC`,
      [[...new Set(sheets)]],
    );
    const out = new Map<string, SheetTestGrid[]>();
    for (const r of rows) {
      const list = out.get(r.sheet_barcode) ?? [];
      list.push({ id: String(r.id), rows: Number(r.rows), cols: Number(r.cols) });
      out.set(r.sheet_barcode, list);
    }
    return out;
  }

  /** The test whose result counts for each cell (keyed sheet|row|col); cells not binned yet are absent. */
  async countingTests(refs: readonly CellRef[]): Promise<Map<string, string>> {
    if (!refs.length) return new Map();
    const rows = await this.db.query<{ sheet_barcode: string; row: number; col: number; sheet_test_id: string }[]>(
      `SELECT c.sheet_barcode, c.row, c.col, c.sheet_test_id
         FROM unnest($1::text[], $2::int[], $3::int[]) AS q(sheet, row, col)
         JOIN test_data.current_cell_results c ON c.sheet_barcode = q.sheet AND c.row = q.row AND c.col = q.col`,
      [refs.map((r) => r.sheetBarcode), refs.map((r) => r.row), refs.map((r) => r.col)],
    );
    return new Map(rows.map((r) => [cellKey({ sheetBarcode: r.sheet_barcode, row: r.row, col: r.col }), String(r.sheet_test_id)]));
  }

  /** Each (test, row, col): the test's header with the cell's measurement and features, keyed test|row|col. */
  async spectra(picks: readonly { sheetTestId: string; row: number; col: number }[]): Promise<Map<string, SpectrumRow>> {
    if (!picks.length) return new Map();
    const rows = await this.db.query<SpectrumRow[]>(
      `SELECT t.id AS sheet_test_id, q.row, q.col, t.test_id, t.received_at, t.temperature_c, t.rows, t.cols, t.frequencies, t.frequency_count,
              c.status, c.ocv_v, c.spectrum, f.features
         FROM unnest($1::uuid[], $2::int[], $3::int[]) AS q(test, row, col)
         JOIN test_data.sheet_tests t ON t.id = q.test
         LEFT JOIN test_data.sheet_test_cells c ON c.sheet_test_id = t.id AND c.received_at = t.received_at AND c.row = q.row AND c.col = q.col
         LEFT JOIN test_data.cell_features f ON f.sheet_test_id = t.id AND f.received_at = t.received_at AND f.row = q.row AND f.col = q.col`,
      [picks.map((p) => p.sheetTestId), picks.map((p) => p.row), picks.map((p) => p.col)],
    );
    return new Map(rows.map((r) => [`${r.sheet_test_id}|${r.row}|${r.col}`, r]));
  }
}
