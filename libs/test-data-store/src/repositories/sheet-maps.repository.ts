import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { FAIL, PASS, UNKNOWN, type SheetMapInput } from '@mes/analytics';
import { MAP_METRICS, type MapMetric } from '../metric-columns';

export interface LoadedSheetMap extends SheetMapInput {
  sheet: string;
  roll: string;
  productCode: string | null;
  sheetTestId: string;
  /** MD span of the sheet's cells on its roll (null when the rig did not know the sheet's MD start). */
  mdFromMm: number | null;
  mdToMm: number | null;
  fail: Int8Array;
  metric: Float64Array;
}

interface CellRow {
  row: number;
  col: number;
  soft_bin: number;
  metric: number | null;
  md_mm: number | null;
}

/**
 * Reads sheets' current results as failure and metric maps: pass is soft bin 1-9 (as the yields
 * count it), soft bin 0 (rig fault) is unknown, anything else failed.
 */
@Injectable()
export class SheetMapsRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async sheet(sheet: string, metric: MapMetric = 'ASR'): Promise<LoadedSheetMap | null> {
    const head = await this.db.query<Array<{ rows: number; cols: number; product_code: string | null; roll_barcode: string; id: string }>>(
      `SELECT t.rows, t.cols, t.product_code, t.roll_barcode, t.id
         FROM test_data.sheet_tests t
        WHERE t.sheet_barcode = $1 AND t.status = 'DONE'
        ORDER BY t.received_at DESC LIMIT 1`,
      [sheet],
    );
    if (!head.length) return null;
    const cells = await this.db.query<CellRow[]>(
      `SELECT row, col, soft_bin, ${MAP_METRICS[metric]} AS metric, md_mm FROM test_data.current_cell_results WHERE sheet_barcode = $1`,
      [sheet],
    );
    if (!cells.length) return null;
    return toMap(sheet, head[0], cells);
  }

  /** Every tested sheet of a roll in MD order (sheets without a known MD follow in barcode order). */
  async rollSheets(roll: string, metric: MapMetric = 'ASR'): Promise<LoadedSheetMap[]> {
    const heads = await this.db.query<
      Array<{ sheet_barcode: string; rows: number; cols: number; product_code: string | null; roll_barcode: string; id: string }>
    >(
      `SELECT DISTINCT ON (t.sheet_barcode) t.sheet_barcode, t.rows, t.cols, t.product_code, t.roll_barcode, t.id
         FROM test_data.sheet_tests t
        WHERE t.roll_barcode = $1 AND t.status = 'DONE'
        ORDER BY t.sheet_barcode, t.received_at DESC`,
      [roll],
    );
    if (!heads.length) return [];
    const cells = await this.db.query<Array<CellRow & { sheet_barcode: string }>>(
      `SELECT sheet_barcode, row, col, soft_bin, ${MAP_METRICS[metric]} AS metric, md_mm FROM test_data.current_cell_results WHERE roll_barcode = $1`,
      [roll],
    );
    const bySheet = new Map<string, CellRow[]>();
    for (const c of cells) {
      let list = bySheet.get(c.sheet_barcode);
      if (!list) bySheet.set(c.sheet_barcode, (list = []));
      list.push(c);
    }
    const maps = heads.filter((h) => bySheet.has(h.sheet_barcode)).map((h) => toMap(h.sheet_barcode, h, bySheet.get(h.sheet_barcode)!));
    return maps.sort((a, b) => (a.mdFromMm ?? Infinity) - (b.mdFromMm ?? Infinity) || a.sheet.localeCompare(b.sheet));
  }

  /** Named sheets (a stacked map of any set). */
  async sheets(sheets: string[], metric: MapMetric = 'ASR'): Promise<LoadedSheetMap[]> {
    const out: LoadedSheetMap[] = [];
    for (const s of sheets) {
      const m = await this.sheet(s, metric);
      if (m) out.push(m);
    }
    return out;
  }
}

function toMap(
  sheet: string,
  head: { rows: number; cols: number; product_code: string | null; roll_barcode: string; id: string },
  cells: CellRow[],
): LoadedSheetMap {
  const rows = Number(head.rows);
  const cols = Number(head.cols);
  const fail = new Int8Array(rows * cols).fill(UNKNOWN);
  const metric = new Float64Array(rows * cols).fill(NaN);
  const rowMd = new Float64Array(rows).fill(NaN);
  for (const c of cells) {
    const i = c.row * cols + c.col;
    const bin = Number(c.soft_bin);
    fail[i] = bin === 0 ? UNKNOWN : bin >= 1 && bin <= 9 ? PASS : FAIL;
    metric[i] = c.metric === null ? NaN : Number(c.metric);
    if (c.md_mm !== null && Number.isNaN(rowMd[c.row])) rowMd[c.row] = Number(c.md_mm);
  }
  // MD of the first row and the pitch from the cells' own roll positions, where the rig gave them.
  let first = -1;
  let last = -1;
  for (let r = 0; r < rows; r++) {
    if (Number.isFinite(rowMd[r])) {
      if (first < 0) first = r;
      last = r;
    }
  }
  const pitch = last > first ? (rowMd[last] - rowMd[first]) / (last - first) : 1;
  const firstRowMdMm = first >= 0 ? rowMd[first] - first * pitch : null;
  return {
    sheet,
    roll: head.roll_barcode,
    productCode: head.product_code,
    sheetTestId: head.id,
    rows,
    cols,
    fail,
    metric,
    firstRowMdMm: firstRowMdMm ?? undefined,
    pitchMdMm: pitch > 0 ? pitch : 1,
    pitchCdMm: pitch > 0 ? pitch : 1,
    mdFromMm: firstRowMdMm === null ? null : firstRowMdMm - pitch / 2,
    mdToMm: firstRowMdMm === null ? null : firstRowMdMm + (rows - 0.5) * pitch,
  };
}
