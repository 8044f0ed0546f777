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

interface SheetHead {
  rows: number;
  cols: number;
  product_code: string | null;
  roll_barcode: string;
  id: string;
}

/**
 * A sheet's current cells packed by PostgreSQL into one bytea, PACKED_CELL_BYTES a cell: row and col
 * (int2), soft bin (int2), the metric and the cell's MD (float8, NaN for none), all big-endian. Rows
 * of five columns cost node-postgres a text parse per value and an object per cell: for a 50 x 50
 * sheet the packed read took 1.4-1.9 ms against 3.5 ms for the rows alone (4.5-5 ms with the sheet's
 * head as a query of its own), and a 600-sheet roll is 1.5 million cells. The metric and MD keep
 * their full float8 value, so every map, SPC point and pattern is the same as from the rows
 * (`sheet-maps.integration-spec.ts` compares the two).
 */
function packedCells(metric: MapMetric): string {
  const col = MAP_METRICS[metric];
  return `string_agg(int2send(row) || int2send(col) || int2send(soft_bin) || float8send(coalesce(${col}, 'NaN')) || float8send(coalesce(md_mm, 'NaN')), ''::bytea)`;
}
const PACKED_CELL_BYTES = 22;

/**
 * Reads sheets' current results as failure and metric maps: pass is soft bin 1-9 (as the yields
 * count it), soft bin 0 (rig fault) is unknown, anything else failed.
 */
@Injectable()
export class SheetMapsRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async sheet(sheet: string, metric: MapMetric = 'ASR'): Promise<LoadedSheetMap | null> {
    const [found] = await this.db.query<Array<SheetHead & { packed: Buffer | null }>>(
      `SELECT t.rows, t.cols, t.product_code, t.roll_barcode, t.id, a.packed
         FROM (SELECT rows, cols, product_code, roll_barcode, id FROM test_data.sheet_tests
                WHERE sheet_barcode = $1 AND status = 'DONE' ORDER BY received_at DESC LIMIT 1) t
         CROSS JOIN LATERAL (SELECT ${packedCells(metric)} AS packed FROM test_data.current_cell_results WHERE sheet_barcode = $1) a`,
      [sheet],
    );
    if (!found?.packed) return null;
    return toMap(sheet, found, found.packed);
  }

  /** Every tested sheet of a roll in MD order (sheets without a known MD follow in barcode order). */
  async rollSheets(roll: string, metric: MapMetric = 'ASR'): Promise<LoadedSheetMap[]> {
    const heads = await this.db.query<Array<SheetHead & { sheet_barcode: string; packed: Buffer | null }>>(
      `SELECT h.sheet_barcode, h.rows, h.cols, h.product_code, h.roll_barcode, h.id, a.packed
         FROM (SELECT DISTINCT ON (t.sheet_barcode) t.sheet_barcode, t.rows, t.cols, t.product_code, t.roll_barcode, t.id
                 FROM test_data.sheet_tests t
                WHERE t.roll_barcode = $1 AND t.status = 'DONE'
                ORDER BY t.sheet_barcode, t.received_at DESC) h
         JOIN (SELECT sheet_barcode, ${packedCells(metric)} AS packed FROM test_data.current_cell_results WHERE roll_barcode = $1
                GROUP BY sheet_barcode) a USING (sheet_barcode)`,
      [roll],
    );
    const maps = heads.filter((h) => h.packed).map((h) => toMap(h.sheet_barcode, h, h.packed as Buffer));
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

function toMap(sheet: string, head: SheetHead, packed: Buffer): LoadedSheetMap {
  const rows = Number(head.rows);
  const cols = Number(head.cols);
  const fail = new Int8Array(rows * cols).fill(UNKNOWN);
  const metric = new Float64Array(rows * cols).fill(NaN);
  const rowMd = new Float64Array(rows).fill(NaN);
  if (packed.length % PACKED_CELL_BYTES !== 0)
    throw new Error(`packed cells of ${sheet}: ${packed.length} bytes, not a whole number of ${PACKED_CELL_BYTES}-byte cells`);
  for (let o = 0; o < packed.length; o += PACKED_CELL_BYTES) {
    const row = packed.readInt16BE(o);
    const i = row * cols + packed.readInt16BE(o + 2);
    const bin = packed.readInt16BE(o + 4);
    fail[i] = bin === 0 ? UNKNOWN : bin >= 1 && bin <= 9 ? PASS : FAIL;
    metric[i] = packed.readDoubleBE(o + 6);
    const md = packed.readDoubleBE(o + 14);
    if (!Number.isNaN(md) && Number.isNaN(rowMd[row])) rowMd[row] = md;
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
