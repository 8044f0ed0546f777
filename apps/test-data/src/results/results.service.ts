import { Injectable } from '@nestjs/common';
import { cellKey, rollMapBase, tilesPerBin, type CellRef, type RollMapBase } from '@mes/geometry';
import { DomainError } from '@mes/service-core';
import { METRIC_COLUMNS, type MetricColumn, CellResultsRepository, ResultsRepository, type YieldSums } from '@mes/test-data-store';
import { TrackingClient } from '@mes/tracking-client';
import {
  CellMetric,
  type BinCountModel,
  type CellResultModel,
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

@Injectable()
export class ResultsService {
  /** Roll maps by roll map version, metric and steps (see rollMap). */
  private readonly rollMaps = new Map<string, RollMapModel>();
  private readonly rollSizes = new Map<string, { lengthMm: number; widthMm: number; until: number }>();

  constructor(
    private readonly store: ResultsRepository,
    private readonly tracking: TrackingClient,
    private readonly cellResults: CellResultsRepository,
  ) {}

  async sheetMap(sheet: string, metric: CellMetric): Promise<SheetMapModel> {
    const grid = await this.grid(sheet);
    const values: (number | null)[] = new Array<number | null>(grid.rows * grid.cols).fill(null);
    for (const c of await this.store.currentMetric(sheet, COLUMN[metric])) values[c.row * grid.cols + c.col] = c.value;
    return { sheet, rows: grid.rows, cols: grid.cols, values };
  }

  async cellResult(sheet: string, row: number, col: number): Promise<CellResultModel | null> {
    const grid = await this.grid(sheet);
    if (row < 0 || col < 0 || row >= grid.rows || col >= grid.cols) {
      throw new DomainError('VALIDATION_FAILED', `Cell (${row}, ${col}) is outside the ${grid.rows} x ${grid.cols} grid of sheet ${sheet}`);
    }
    const found = (await this.cellResults.ofCells([{ sheetBarcode: sheet, row, col }])).get(cellKey({ sheetBarcode: sheet, row, col }));
    return found ? { ...found.current, sheet, row, col, history: found.history } : null;
  }

  /**
   * A cell's result for the graph (Cell.result): tracking has already resolved the cell, so no grid
   * check; the cells of one burst are read in one query.
   */
  async cellResultBatched(cell: CellRef): Promise<CellResultModel | null> {
    const found = await this.cellResults.ofCell(cell);
    return found ? { ...found.current, sheet: cell.sheetBarcode, row: cell.row, col: cell.col, history: found.history } : null;
  }

  sheetTests(sheet: string): Promise<SheetTestModel[]> {
    return this.store.sheetTests(sheet);
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
    return this.store.binCounts(scope);
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
    const aggregate = await this.store.rollMapAggregate(roll);
    let base: RollMapBase | null = aggregate ? { mdStepMm: aggregate.mdStepMm, cdStepMm: aggregate.cdStepMm } : null;
    if (!base) {
      const layout = await this.store.firstTestedLayout(roll);
      base = layout ? rollMapBase(layout) : null;
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
    const key = aggregate ? `${roll}|${aggregate.version}|${aggregate.writtenAt}|${metric}|${md}|${cd}|${mdBins}|${cdBins}` : null;
    const cached = key ? this.rollMaps.get(key) : undefined;
    if (cached) return cached;

    const kMd = aggregate && base ? tilesPerBin(md, base.mdStepMm) : null;
    const kCd = aggregate && base ? tilesPerBin(cd, base.cdStepMm) : null;
    const sums = {
      n: new Array<number>(mdBins * cdBins).fill(0),
      total: new Array<number>(mdBins * cdBins).fill(0),
      mean: new Array<number | null>(mdBins * cdBins).fill(null),
    };
    if (kMd && kCd) {
      // Whole base tiles per bin: sum the roll's map rows.
      for (const [mdBin, n, total] of await this.store.rollMapRows(roll, COLUMN[metric])) {
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
      for (const r of await this.store.rollMapFromCells(roll, COLUMN[metric], md, cd)) {
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
    const y = await this.store.rollYieldSums(roll);
    return { roll, sheetsTested: y.sheets, ...yieldsOf(y) };
  }

  /** One sheet's yield from the per-sheet aggregate the worker keeps; zero cells tested when never tested. */
  async sheetYield(sheet: string): Promise<SheetYieldModel> {
    return { sheet, ...yieldsOf(await this.store.sheetYieldSums(sheet)) };
  }

  private async grid(sheet: string): Promise<{ rows: number; cols: number }> {
    const tested = await this.store.testedGrid(sheet);
    if (tested) return tested;
    const tracked = await this.tracking.sheet(sheet);
    if (!tracked) throw new DomainError('UNKNOWN_BARCODE', `Unknown sheet ${sheet}`);
    return tracked;
  }
}

function yieldsOf(y: YieldSums): { cellsTested: number; firstPassYield: number | null; finalYield: number | null } {
  return {
    cellsTested: y.cellsTested,
    firstPassYield: y.cellsTested ? y.firstPass / y.cellsTested : null,
    finalYield: y.cellsTested ? y.finalPass / y.cellsTested : null,
  };
}
