import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { rollMapBase, tilesPerBin, type RollMapBase } from '@mes/geometry';
import { DomainError } from '@mes/service-core';
import { METRIC_COLUMNS, type MetricColumn } from '@mes/test-data-store';
import { TrackingClient } from '@mes/tracking-client';
import {
  CellMetric,
  type BinCountModel,
  type CellResultModel,
  type CellTestResultModel,
  type RollMapModel,
  type RollYieldModel,
  type SheetMapModel,
  type SheetTestModel,
} from './results.model';
import type { SheetYieldModel } from './material-results.model';

// The GraphQL metric names are the store's: the columns (and the map aggregates' n_/sum_ columns) live there once.
const COLUMN: Record<CellMetric, MetricColumn> = METRIC_COLUMNS;

/*
 * The result that counts for each cell is kept in current_cell_results by the binning worker (every
 * test of the cell folded with the retest convention: a pass grade only goes down, a rig fault is
 * superseded by a valid result), with per-sheet yields, bin counts and roll map aggregates written in
 * the same transaction. Maps, Paretos and both yields read those, so they agree by construction.
 */

type Row = Record<string, unknown>;

@Injectable()
export class ResultsService {
  /** Roll maps by roll map version, metric and steps (see rollMap). */
  private readonly rollMaps = new Map<string, RollMapModel>();
  private readonly rollSizes = new Map<string, { lengthMm: number; widthMm: number; until: number }>();

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly tracking: TrackingClient,
  ) {}

  async sheetMap(sheet: string, metric: CellMetric): Promise<SheetMapModel> {
    const grid = await this.grid(sheet);
    const values: (number | null)[] = new Array<number | null>(grid.rows * grid.cols).fill(null);
    const rows = await this.db.query<Row[]>(
      `SELECT row, col, ${COLUMN[metric]} AS v FROM test_data.current_cell_results WHERE sheet_barcode = $1`,
      [sheet],
    );
    for (const r of rows) values[Number(r.row) * grid.cols + Number(r.col)] = r.v === null ? null : Number(r.v);
    return { sheet, rows: grid.rows, cols: grid.cols, values };
  }

  async cellResult(sheet: string, row: number, col: number): Promise<CellResultModel | null> {
    const grid = await this.grid(sheet);
    if (row < 0 || col < 0 || row >= grid.rows || col >= grid.cols) {
      throw new DomainError('VALIDATION_FAILED', `Cell (${row}, ${col}) is outside the ${grid.rows} x ${grid.cols} grid of sheet ${sheet}`);
    }
    // Every test of the cell at every rule set version it was binned with: newest test first, and
    // within a test the newest version first (re-binning adds results, it never replaces them).
    const history = await this.db.query<Row[]>(
      `SELECT r.*, t.test_id, t.received_at FROM test_data.cell_results r
         JOIN test_data.sheet_tests t ON t.id = r.sheet_test_id
        WHERE r.sheet_barcode = $1 AND r.row = $2 AND r.col = $3 ORDER BY t.received_at DESC, r.rule_set_version DESC`,
      [sheet, row, col],
    );
    if (!history.length) return null;
    const tests = history.map(toTestResult);
    const counting = await this.db.query<{ sheet_test_id: string; rule_set_version: number }[]>(
      `SELECT sheet_test_id, rule_set_version FROM test_data.current_cell_results WHERE sheet_barcode = $1 AND row = $2 AND col = $3`,
      [sheet, row, col],
    );
    const current =
      tests.find((t) => t.sheetTestId === counting[0]?.sheet_test_id && t.ruleSetVersion === Number(counting[0]?.rule_set_version)) ??
      tests[0];
    return { ...current, sheet, row, col, history: tests };
  }

  async sheetTests(sheet: string): Promise<SheetTestModel[]> {
    const rows = await this.db.query<Row[]>(
      `SELECT id, test_id, sheet_barcode, status, cell_count, cells_binned, error, received_at FROM test_data.sheet_tests WHERE sheet_barcode = $1 ORDER BY received_at`,
      [sheet],
    );
    return rows.map((r) => ({
      sheetTestId: String(r.id),
      testId: String(r.test_id),
      sheet: String(r.sheet_barcode),
      status: String(r.status),
      cells: Number(r.cell_count),
      cellsBinned: Number(r.cells_binned),
      error: (r.error as string | null) ?? null,
      receivedAt: r.received_at as Date,
    }));
  }

  /**
   * Current results of a sheet or of every tested sheet of a roll, counted by bin, largest first,
   * from the per-sheet bin counts the worker keeps with the current results.
   */
  async binPareto(scope: { sheet?: string; roll?: string }): Promise<BinCountModel[]> {
    if (!scope.sheet === !scope.roll)
      throw new DomainError('VALIDATION_FAILED', 'binPareto needs exactly one of sheet or roll', [
        { path: 'sheet', message: 'expected a sheet or a roll barcode' },
      ]);
    const rows = await this.db.query<Row[]>(
      `SELECT soft_bin, hard_bin, bin_name, sum(cells)::int AS count FROM test_data.sheet_bin_counts
        WHERE ($1::text IS NOT NULL AND sheet_barcode = $1) OR ($2::text IS NOT NULL AND roll_barcode = $2)
        GROUP BY soft_bin, hard_bin, bin_name ORDER BY count DESC, soft_bin`,
      [scope.sheet ?? null, scope.roll ?? null],
    );
    return rows.map((r) => ({
      softBin: Number(r.soft_bin),
      hardBin: Number(r.hard_bin),
      binName: String(r.bin_name),
      count: Number(r.count),
    }));
  }

  /**
   * The mean of a metric over the cells in each MD x CD bin of a roll, from each cell's current
   * result and the roll position stored with it. Defaults: one MD bin per sheet length, one CD bin
   * per cell pitch. At those steps, or whole multiples of them, the map is summed from the roll's map
   * rows that the binning worker keeps up to date (a few hundred rows for a roll of millions of
   * cells); any other step falls back to aggregating the current cell results of the roll.
   * A map is kept in memory under the roll map's version, which the worker bumps in the transaction
   * that changes any current result of the roll, so a repeated request never reads a stale map.
   */
  async rollMap(roll: string, metric: CellMetric, mdStepMm?: number, cdStepMm?: number): Promise<RollMapModel> {
    const tracked = await this.rollSize(roll);
    const aggregate = await this.db.query<{ md_step_mm: number; cd_step_mm: number; version: number }[]>(
      `SELECT md_step_mm, cd_step_mm, version FROM test_data.roll_maps WHERE roll_barcode = $1`,
      [roll],
    );
    let base: RollMapBase | null = aggregate.length
      ? { mdStepMm: Number(aggregate[0].md_step_mm), cdStepMm: Number(aggregate[0].cd_step_mm) }
      : null;
    if (!base) {
      const layout = await this.db.query<{ layout: { sheetLengthMdMm: number; pitchCdMm: number } }[]>(
        `SELECT layout FROM test_data.sheet_tests WHERE roll_barcode = $1 AND layout IS NOT NULL ORDER BY received_at, id LIMIT 1`,
        [roll],
      );
      base = layout.length ? rollMapBase(layout[0].layout) : null;
    }
    const md = mdStepMm ?? base?.mdStepMm ?? 300;
    const cd = cdStepMm ?? base?.cdStepMm ?? 10;
    for (const [name, v] of [
      ['mdStepMm', md],
      ['cdStepMm', cd],
    ] as const) {
      if (!(Number.isFinite(v) && v > 0))
        throw new DomainError('VALIDATION_FAILED', `${name} must be a positive number of millimetres, got ${v}`, [
          { path: name, message: 'expected > 0' },
        ]);
    }
    const mdBins = Math.max(1, Math.ceil(tracked.lengthMm / md));
    const cdBins = Math.max(1, Math.ceil(tracked.widthMm / cd));
    if (mdBins * cdBins > 1_000_000) {
      throw new DomainError(
        'VALIDATION_FAILED',
        `${mdBins} x ${cdBins} bins is too fine a map (at most 1,000,000 bins): use larger steps`,
        [{ path: 'mdStepMm', message: 'expected fewer bins' }],
      );
    }
    const key = aggregate.length ? `${roll}|${aggregate[0].version}|${metric}|${md}|${cd}|${mdBins}|${cdBins}` : null;
    const cached = key ? this.rollMaps.get(key) : undefined;
    if (cached) return cached;

    const kMd = aggregate.length && base ? tilesPerBin(md, base.mdStepMm) : null;
    const kCd = aggregate.length && base ? tilesPerBin(cd, base.cdStepMm) : null;
    const sums = {
      n: new Array<number>(mdBins * cdBins).fill(0),
      total: new Array<number>(mdBins * cdBins).fill(0),
      mean: new Array<number | null>(mdBins * cdBins).fill(null),
    };
    if (kMd && kCd) {
      // Whole base tiles per bin: sum the roll's map rows.
      const c = COLUMN[metric];
      const rows = await this.db.query<{ j: string | null }[]>(
        `SELECT json_agg(json_build_array(md_bin, n_${c}, sum_${c}))::text AS j FROM test_data.roll_map_rows WHERE roll_barcode = $1`,
        [roll],
      );
      for (const [mdBin, n, total] of JSON.parse(rows[0]?.j ?? '[]') as [number, number[], number[]][]) {
        const mb = Math.floor(mdBin / kMd);
        if (mb < 0 || mb >= mdBins) continue;
        for (let cdBin = 0; cdBin < n.length; cdBin++) {
          const cb = Math.floor(cdBin / kCd);
          if (cb >= cdBins || n[cdBin] === 0) continue;
          sums.n[mb * cdBins + cb] += n[cdBin];
          sums.total[mb * cdBins + cb] += total[cdBin];
        }
      }
      sums.n.forEach((n, i) => (sums.mean[i] = n ? sums.total[i] / n : null));
    } else {
      for (const r of await this.rollMapFromCells(roll, metric, md, cd)) {
        if (r.mb < 0 || r.cb < 0 || r.mb >= mdBins || r.cb >= cdBins || r.n === 0) continue;
        sums.n[r.mb * cdBins + r.cb] = r.n;
        sums.mean[r.mb * cdBins + r.cb] = r.mean;
      }
    }
    const map = { roll, mdStepMm: md, cdStepMm: cd, mdBins, cdBins, values: sums.mean, counts: sums.n };
    if (key) {
      if (this.rollMaps.size >= 64) this.rollMaps.delete(this.rollMaps.keys().next().value as string);
      this.rollMaps.set(key, map);
    }
    return map;
  }

  /** The plain aggregate over the roll's current cell results (any steps). */
  async rollMapFromCells(
    roll: string,
    metric: CellMetric,
    md: number,
    cd: number,
  ): Promise<{ mb: number; cb: number; mean: number; n: number }[]> {
    const rows = await this.db.query<Row[]>(
      `SELECT floor(md_mm / $2::float8)::int AS mb, floor(cd_mm / $3::float8)::int AS cb, avg(${COLUMN[metric]}) AS mean, count(${COLUMN[metric]})::int AS n
         FROM test_data.current_cell_results WHERE roll_barcode = $1 AND md_mm IS NOT NULL GROUP BY 1, 2`,
      [roll, md, cd],
    );
    return rows.map((r) => ({ mb: Number(r.mb), cb: Number(r.cb), mean: Number(r.mean), n: Number(r.n) }));
  }

  /** A roll's length and width from tracking; they never change once registered, so they are kept a minute. */
  private async rollSize(roll: string): Promise<{ lengthMm: number; widthMm: number }> {
    const known = this.rollSizes.get(roll);
    if (known && known.until > Date.now()) return known;
    const tracked = await this.tracking.roll(roll);
    if (!tracked) throw new DomainError('UNKNOWN_BARCODE', `Unknown roll ${roll}`);
    if (this.rollSizes.size >= 1000) this.rollSizes.clear();
    const size = { lengthMm: tracked.lengthMm, widthMm: tracked.widthMm, until: Date.now() + 60_000 };
    this.rollSizes.set(roll, size);
    return size;
  }

  /**
   * First-pass (each cell's first test) and final yield (its current result), both from the current
   * results, summed from the per-sheet yields the worker keeps with them.
   */
  async rollYield(roll: string): Promise<RollYieldModel> {
    const rows = await this.db.query<Row[]>(
      `SELECT count(*)::int AS sheets, coalesce(sum(cells_tested), 0)::int AS cells, coalesce(sum(first_pass), 0)::int AS first_pass, coalesce(sum(final_pass), 0)::int AS final_pass
         FROM test_data.sheet_yields WHERE roll_barcode = $1 AND cells_tested > 0`,
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

  /** One sheet's yield from the per-sheet aggregate the worker keeps; zero cells tested when never tested. */
  async sheetYield(sheet: string): Promise<SheetYieldModel> {
    const rows = await this.db.query<Row[]>(
      `SELECT cells_tested, first_pass, final_pass FROM test_data.sheet_yields WHERE sheet_barcode = $1`,
      [sheet],
    );
    const cells = rows.length ? Number(rows[0].cells_tested) : 0;
    return {
      sheet,
      cellsTested: cells,
      firstPassYield: cells ? Number(rows[0].first_pass) / cells : null,
      finalYield: cells ? Number(rows[0].final_pass) / cells : null,
    };
  }

  private async grid(sheet: string): Promise<{ rows: number; cols: number }> {
    const tested = await this.db.query<{ rows: number; cols: number }[]>(
      `SELECT rows, cols FROM test_data.sheet_tests WHERE sheet_barcode = $1 LIMIT 1`,
      [sheet],
    );
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
