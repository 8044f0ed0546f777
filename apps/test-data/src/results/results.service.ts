import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { DomainError } from '@mes/service-core';
import { TrackingClient } from '@mes/tracking-client';
import { CellMetric, type BinCountModel, type CellResultModel, type CellTestResultModel, type RollMapModel, type RollYieldModel, type SheetMapModel, type SheetTestModel } from './results.model';

const COLUMN: Record<CellMetric, string> = {
  [CellMetric.OCV_V]: 'ocv_v',
  [CellMetric.R_OHMIC_OHM]: 'r_ohmic_ohm',
  [CellMetric.R_CT_OHM]: 'r_ct_ohm',
  [CellMetric.ASR_OHM_CM2]: 'asr_ohm_cm2',
  [CellMetric.SOFT_BIN]: 'soft_bin',
};

/**
 * The result that counts for each cell is kept in current_cell_results by the binning worker (every
 * test of the cell folded with the retest convention: a pass grade only goes down, a rig fault is
 * superseded by a valid result). Maps, Paretos and both yields read it, so they agree by construction.
 */
const CURRENT_OF_SCOPE = `
  SELECT * FROM test_data.current_cell_results
   WHERE ($1::text IS NOT NULL AND sheet_barcode = $1) OR ($2::text IS NOT NULL AND roll_barcode = $2)`;

type Row = Record<string, unknown>;

@Injectable()
export class ResultsService {
  constructor(@InjectDataSource() private readonly db: DataSource, private readonly tracking: TrackingClient) {}

  async sheetMap(sheet: string, metric: CellMetric): Promise<SheetMapModel> {
    const grid = await this.grid(sheet);
    const values: (number | null)[] = new Array<number | null>(grid.rows * grid.cols).fill(null);
    const rows = await this.db.query<Row[]>(`SELECT row, col, ${COLUMN[metric]} AS v FROM test_data.current_cell_results WHERE sheet_barcode = $1`, [sheet]);
    for (const r of rows) values[Number(r.row) * grid.cols + Number(r.col)] = r.v === null ? null : Number(r.v);
    return { sheet, rows: grid.rows, cols: grid.cols, values };
  }

  async cellResult(sheet: string, row: number, col: number): Promise<CellResultModel | null> {
    const grid = await this.grid(sheet);
    if (row < 0 || col < 0 || row >= grid.rows || col >= grid.cols) {
      throw new DomainError('VALIDATION_FAILED', `Cell (${row}, ${col}) is outside the ${grid.rows} x ${grid.cols} grid of sheet ${sheet}`);
    }
    const history = await this.db.query<Row[]>(
      `SELECT r.*, t.test_id, t.received_at FROM test_data.cell_results r
         JOIN test_data.sheet_tests t ON t.id = r.sheet_test_id AND r.rule_set_version = t.rule_set_version
        WHERE r.sheet_barcode = $1 AND r.row = $2 AND r.col = $3 ORDER BY t.received_at DESC`,
      [sheet, row, col],
    );
    if (!history.length) return null;
    const tests = history.map(toTestResult);
    const counting = await this.db.query<{ sheet_test_id: string }[]>(
      `SELECT sheet_test_id FROM test_data.current_cell_results WHERE sheet_barcode = $1 AND row = $2 AND col = $3`,
      [sheet, row, col],
    );
    const current = tests.find((t) => t.sheetTestId === counting[0]?.sheet_test_id) ?? tests[0];
    return { ...current, sheet, row, col, history: tests };
  }

  async sheetTests(sheet: string): Promise<SheetTestModel[]> {
    const rows = await this.db.query<Row[]>(
      `SELECT id, test_id, sheet_barcode, status, cell_count, cells_binned, error, received_at FROM test_data.sheet_tests WHERE sheet_barcode = $1 ORDER BY received_at`,
      [sheet],
    );
    return rows.map((r) => ({
      sheetTestId: String(r.id), testId: String(r.test_id), sheet: String(r.sheet_barcode), status: String(r.status),
      cells: Number(r.cell_count), cellsBinned: Number(r.cells_binned), error: (r.error as string | null) ?? null, receivedAt: r.received_at as Date,
    }));
  }

  /** Current results of a sheet or of every tested sheet of a roll, counted by bin, largest first. */
  async binPareto(scope: { sheet?: string; roll?: string }): Promise<BinCountModel[]> {
    if (!scope.sheet === !scope.roll) throw new DomainError('VALIDATION_FAILED', 'binPareto needs exactly one of sheet or roll', [{ path: 'sheet', message: 'expected a sheet or a roll barcode' }]);
    const rows = await this.db.query<Row[]>(
      `SELECT soft_bin, hard_bin, bin_name, count(*)::int AS count FROM (${CURRENT_OF_SCOPE}) cur
        GROUP BY soft_bin, hard_bin, bin_name ORDER BY count DESC, soft_bin`,
      [scope.sheet ?? null, scope.roll ?? null],
    );
    return rows.map((r) => ({ softBin: Number(r.soft_bin), hardBin: Number(r.hard_bin), binName: String(r.bin_name), count: Number(r.count) }));
  }

  /**
   * The mean of a metric over the cells in each MD x CD bin of a roll, from each cell's current
   * result and the roll position stored with it. Defaults: one MD bin per sheet length, one CD bin
   * per cell pitch. (An aggregate kept up to date by the workers is still to come: this query reads
   * the cell results of the roll.)
   */
  async rollMap(roll: string, metric: CellMetric, mdStepMm?: number, cdStepMm?: number): Promise<RollMapModel> {
    const tracked = await this.tracking.roll(roll);
    if (!tracked) throw new DomainError('UNKNOWN_BARCODE', `Unknown roll ${roll}`);
    const layout = await this.db.query<{ layout: { sheetLengthMdMm: number; pitchCdMm: number } }[]>(
      `SELECT layout FROM test_data.sheet_tests WHERE roll_barcode = $1 AND layout IS NOT NULL LIMIT 1`,
      [roll],
    );
    const md = mdStepMm ?? layout[0]?.layout.sheetLengthMdMm ?? 300;
    const cd = cdStepMm ?? layout[0]?.layout.pitchCdMm ?? 10;
    for (const [name, v] of [['mdStepMm', md], ['cdStepMm', cd]] as const) {
      if (!(Number.isFinite(v) && v > 0)) throw new DomainError('VALIDATION_FAILED', `${name} must be a positive number of millimetres, got ${v}`, [{ path: name, message: 'expected > 0' }]);
    }
    const mdBins = Math.max(1, Math.ceil(tracked.lengthMm / md));
    const cdBins = Math.max(1, Math.ceil(tracked.widthMm / cd));
    if (mdBins * cdBins > 1_000_000) {
      throw new DomainError('VALIDATION_FAILED', `${mdBins} x ${cdBins} bins is too fine a map (at most 1,000,000 bins): use larger steps`, [{ path: 'mdStepMm', message: 'expected fewer bins' }]);
    }
    const rows = await this.db.query<Row[]>(
      `SELECT floor(md_mm / $3)::int AS mb, floor(cd_mm / $4)::int AS cb, avg(${COLUMN[metric]}) AS mean, count(${COLUMN[metric]})::int AS n
         FROM (${CURRENT_OF_SCOPE}) cur WHERE md_mm IS NOT NULL GROUP BY 1, 2`,
      [null, roll, md, cd],
    );
    const values: (number | null)[] = new Array<number | null>(mdBins * cdBins).fill(null);
    const counts = new Array<number>(mdBins * cdBins).fill(0);
    for (const r of rows) {
      const mb = Number(r.mb);
      const cb = Number(r.cb);
      if (mb < 0 || cb < 0 || mb >= mdBins || cb >= cdBins || Number(r.n) === 0) continue;
      values[mb * cdBins + cb] = Number(r.mean);
      counts[mb * cdBins + cb] = Number(r.n);
    }
    return { roll, mdStepMm: md, cdStepMm: cd, mdBins, cdBins, values, counts };
  }

  /** First-pass (each cell's first test) and final yield (its current result), from the same rows. */
  async rollYield(roll: string): Promise<RollYieldModel> {
    const rows = await this.db.query<Row[]>(
      `SELECT count(DISTINCT sheet_barcode)::int AS sheets, count(*)::int AS cells,
              count(*) FILTER (WHERE first_soft_bin BETWEEN 1 AND 9)::int AS first_pass,
              count(*) FILTER (WHERE soft_bin BETWEEN 1 AND 9)::int AS final_pass
         FROM test_data.current_cell_results WHERE roll_barcode = $1`,
      [roll],
    );
    const r = rows[0];
    const cells = Number(r.cells);
    return {
      roll,
      sheetsTested: Number(r.sheets),
      cellsTested: cells,
      firstPassYield: cells ? Number(r.first_pass) / cells : null,
      finalYield: cells ? Number(r.final_pass) / cells : null,
    };
  }

  private async grid(sheet: string): Promise<{ rows: number; cols: number }> {
    const tested = await this.db.query<{ rows: number; cols: number }[]>(`SELECT rows, cols FROM test_data.sheet_tests WHERE sheet_barcode = $1 LIMIT 1`, [sheet]);
    if (tested.length) return tested[0];
    const tracked = await this.tracking.sheet(sheet);
    if (!tracked) throw new DomainError('UNKNOWN_BARCODE', `Unknown sheet ${sheet}`);
    return tracked;
  }
}

function num(v: unknown): number | null {
  return v === null || v === undefined ? null : Number(v);
}

function toTestResult(r: Row): CellTestResultModel {
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
  };
}
