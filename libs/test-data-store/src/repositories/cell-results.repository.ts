import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { cellKey, type CellRef } from '@mes/geometry';
import { BatchLoader } from '@mes/service-core';
import type { CellBin } from '@mes/binning';
import type { ReportedResistances } from '../metric-columns';

type Row = Record<string, unknown>;

/**
 * One test of a cell, as binned: the bin, rule and rule set version the binning gave it (its
 * CellBin), and its resistances as results report them.
 */
export interface CellTestResultRow
  extends ReportedResistances, Pick<CellBin, 'softBin' | 'hardBin' | 'binName' | 'ruleId' | 'ruleSetVersion'> {
  testId: string;
  sheetTestId: string;
  receivedAt: Date;
  ocvV: number | null;
  reason: string | null;
  /** The defect that decided a visual bin, as <inspectionId>#<seq>; null when electrical rules decided. */
  decidingDefect: string | null;
}

/** A cell's binned tests: the one that counts, and all of them newest first. */
export interface CellResults {
  current: CellTestResultRow;
  history: CellTestResultRow[];
}

/** Read queries of cell results (the binning worker writes them through SheetTestStore). */
@Injectable()
export class CellResultsRepository {
  private readonly batch = new BatchLoader<CellRef, CellResults | null>((refs) => this.ofCells(refs), cellKey, null);

  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** One cell's results, null when never tested; the cells asked for in one burst (Cell.result over a list) share one query. */
  ofCell(ref: CellRef): Promise<CellResults | null> {
    return this.batch.load(ref);
  }

  /**
   * Every test of each cell at every rule set version it was binned with (newest test first, and
   * within a test the newest version first: re-binning adds results, it never replaces them), with
   * the one current_cell_results counts. Any number of cells in one query; never-tested cells are absent.
   */
  async ofCells(refs: readonly CellRef[]): Promise<Map<string, CellResults>> {
    const out = new Map<string, CellResults>();
    if (!refs.length) return out;
    const rows = await this.db.query<Row[]>(
      `SELECT r.*, t.test_id, t.received_at,
              (cur.sheet_test_id = r.sheet_test_id AND cur.rule_set_version = r.rule_set_version) AS counts
         FROM (SELECT DISTINCT * FROM unnest($1::text[], $2::int[], $3::int[])) AS q(sheet, row, col)
         JOIN test_data.sheet_tests t ON t.sheet_barcode = q.sheet
         JOIN test_data.cell_results r ON r.sheet_test_id = t.id AND r.received_at = t.received_at AND r.row = q.row AND r.col = q.col
         LEFT JOIN test_data.current_cell_results cur ON cur.sheet_barcode = q.sheet AND cur.row = q.row AND cur.col = q.col
        ORDER BY t.received_at DESC, r.rule_set_version DESC`,
      [refs.map((r) => r.sheetBarcode), refs.map((r) => r.row), refs.map((r) => r.col)],
    );
    const counting = new Map<string, CellTestResultRow>();
    for (const r of rows) {
      const key = cellKey({ sheetBarcode: String(r.sheet_barcode), row: Number(r.row), col: Number(r.col) });
      const test = toTestResult(r);
      const cell = out.get(key);
      if (cell) cell.history.push(test);
      else out.set(key, { current: test, history: [test] });
      if (r.counts === true) counting.set(key, test);
    }
    // The result that counts; the newest when current_cell_results has none yet.
    for (const [key, cell] of out) cell.current = counting.get(key) ?? cell.history[0];
    return out;
  }
}

function num(v: unknown): number | null {
  return v === null || v === undefined ? null : Number(v);
}

function toTestResult(r: Row): CellTestResultRow {
  return {
    testId: String(r.test_id),
    sheetTestId: String(r.sheet_test_id),
    receivedAt: r.received_at as Date,
    ocvV: num(r.ocv_v),
    rOhmicOhm: num(r.r_ohmic_ohm),
    rCtOhm: num(r.r_ct_ohm),
    asrOhmCm2: num(r.asr_ohm_cm2),
    softBin: Number(r.soft_bin),
    hardBin: Number(r.hard_bin),
    binName: String(r.bin_name),
    ruleId: String(r.rule_id),
    ruleSetVersion: Number(r.rule_set_version),
    reason: (r.reason as string | null) ?? null,
    decidingDefect: (r.deciding_defect as string | null) ?? null,
  };
}
