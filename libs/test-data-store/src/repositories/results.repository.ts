import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { READS } from './reads';
import type { DataSource } from 'typeorm';
import type { MetricColumn } from '../metric-columns';
import { SheetTestEntity } from '../sheet-test.entities';

type Row = Record<string, unknown>;

/** One posted test of a sheet and how far its binning is. */
export interface SheetTestRow {
  sheetTestId: string;
  testId: string;
  sheet: string;
  status: string;
  cells: number;
  cellsBinned: number;
  error: string | null;
  receivedAt: Date;
}

/** One bar of a bin Pareto: the cells whose current result is in this bin. */
export interface BinCountRow {
  softBin: number;
  hardBin: number;
  binName: string;
  count: number;
}

/** Per-sheet or per-roll yield sums, as the binning worker keeps them in sheet_yields. */
export interface YieldSums {
  sheets: number;
  cellsTested: number;
  firstPass: number;
  finalPass: number;
}

/**
 * Read queries of the current results and the aggregates the binning worker keeps with them
 * (current_cell_results, sheet_yields, sheet_bin_counts, roll_maps, roll_map_rows). The metric
 * column names come from METRIC_COLUMNS (metric-columns.ts), never from a caller's text.
 */
@Injectable()
export class ResultsRepository {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    /** Maps, Paretos and yields: the read replica when there is one (reads.ts). */
    @InjectDataSource(READS) private readonly reads: DataSource = db,
  ) {}

  /** The grid a sheet was tested on, null before its first test. */
  async testedGrid(sheet: string): Promise<{ rows: number; cols: number } | null> {
    const rows = await this.db.query<{ rows: number; cols: number }[]>(
      `SELECT rows, cols FROM test_data.sheet_tests WHERE sheet_barcode = $1 LIMIT 1`,
      [sheet],
    );
    return rows[0] ?? null;
  }

  /** A posted test by its id (any text: what is not an id is no test). */
  async sheetTestById(sheetTestId: string): Promise<SheetTestEntity | null> {
    return /^[0-9a-f-]{36}$/i.test(sheetTestId) ? this.db.getRepository(SheetTestEntity).findOne({ where: { id: sheetTestId } }) : null;
  }

  /** How many cells of one test each soft bin holds at one rule set version. */
  async softBinCountsOfTest(sheetTestId: string, ruleSetVersion: number): Promise<{ softBin: number; count: number }[]> {
    const rows = await this.db.query<{ soft_bin: number; count: string }[]>(
      `SELECT soft_bin, count(*) AS count FROM test_data.cell_results
        WHERE sheet_test_id = $1 AND received_at = (SELECT received_at FROM test_data.sheet_tests WHERE id = $1) AND rule_set_version = $2
        GROUP BY soft_bin ORDER BY soft_bin`,
      [sheetTestId, ruleSetVersion],
    );
    return rows.map((b) => ({ softBin: Number(b.soft_bin), count: Number(b.count) }));
  }

  /** One metric of every cell of a sheet that has a current result. */
  async currentMetric(sheet: string, column: MetricColumn): Promise<{ row: number; col: number; value: number | null }[]> {
    const rows = await this.reads.query<Row[]>(
      `SELECT row, col, ${column} AS v FROM test_data.current_cell_results WHERE sheet_barcode = $1`,
      [sheet],
    );
    return rows.map((r) => ({ row: Number(r.row), col: Number(r.col), value: r.v === null ? null : Number(r.v) }));
  }

  async sheetTests(sheet: string): Promise<SheetTestRow[]> {
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

  /** Current results of a sheet or of every tested sheet of a roll, counted by bin, largest first. */
  async binCounts(scope: { sheet?: string; roll?: string }): Promise<BinCountRow[]> {
    const rows = await this.reads.query<Row[]>(
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
   * The base steps and version of a roll's map aggregates, null before any of its sheets was binned.
   * writtenAt (microseconds) goes with the version: an aggregate deleted and made again (a purge, a
   * restore) counts from version 1 again, and a cached map of the old rows must not pass for it.
   */
  async rollMapAggregate(roll: string): Promise<{ mdStepMm: number; cdStepMm: number; version: number; writtenAt: string } | null> {
    const rows = await this.reads.query<{ md_step_mm: number; cd_step_mm: number; version: number; written_at: string }[]>(
      `SELECT md_step_mm, cd_step_mm, version, to_char(updated_at, 'YYYYMMDDHH24MISSUS') AS written_at FROM test_data.roll_maps WHERE roll_barcode = $1`,
      [roll],
    );
    return rows.length
      ? {
          mdStepMm: Number(rows[0].md_step_mm),
          cdStepMm: Number(rows[0].cd_step_mm),
          version: Number(rows[0].version),
          writtenAt: rows[0].written_at,
        }
      : null;
  }

  /** The sheet layout of a roll's first test (its map's natural steps when no aggregate exists yet). */
  async firstTestedLayout(roll: string): Promise<{ sheetLengthMdMm: number; pitchCdMm: number } | null> {
    const rows = await this.reads.query<{ layout: { sheetLengthMdMm: number; pitchCdMm: number } }[]>(
      `SELECT layout FROM test_data.sheet_tests WHERE roll_barcode = $1 AND layout IS NOT NULL ORDER BY received_at, id LIMIT 1`,
      [roll],
    );
    return rows[0]?.layout ?? null;
  }

  /** A roll's map rows for one metric: per base MD bin, the count and sum of each base CD bin. */
  async rollMapRows(roll: string, column: MetricColumn): Promise<[mdBin: number, n: number[], total: number[]][]> {
    const rows = await this.reads.query<{ j: string | null }[]>(
      `SELECT json_agg(json_build_array(md_bin, n_${column}, sum_${column}))::text AS j FROM test_data.roll_map_rows WHERE roll_barcode = $1`,
      [roll],
    );
    return JSON.parse(rows[0]?.j ?? '[]') as [number, number[], number[]][];
  }

  /** The plain aggregate over the roll's current cell results (any steps). */
  async rollMapFromCells(
    roll: string,
    column: MetricColumn,
    md: number,
    cd: number,
  ): Promise<{ mb: number; cb: number; mean: number; n: number }[]> {
    const rows = await this.reads.query<Row[]>(
      `SELECT floor(md_mm / $2::float8)::int AS mb, floor(cd_mm / $3::float8)::int AS cb, avg(${column}) AS mean, count(${column})::int AS n
         FROM test_data.current_cell_results WHERE roll_barcode = $1 AND md_mm IS NOT NULL GROUP BY 1, 2`,
      [roll, md, cd],
    );
    return rows.map((r) => ({ mb: Number(r.mb), cb: Number(r.cb), mean: Number(r.mean), n: Number(r.n) }));
  }

  /** The yield sums of a roll's tested sheets. */
  async rollYieldSums(roll: string): Promise<YieldSums> {
    const rows = await this.reads.query<Row[]>(
      `SELECT count(*)::int AS sheets, coalesce(sum(cells_tested), 0)::int AS cells, coalesce(sum(first_pass), 0)::int AS first_pass, coalesce(sum(final_pass), 0)::int AS final_pass
         FROM test_data.sheet_yields WHERE roll_barcode = $1 AND cells_tested > 0`,
      [roll],
    );
    const r = rows[0];
    return { sheets: Number(r.sheets), cellsTested: Number(r.cells), firstPass: Number(r.first_pass), finalPass: Number(r.final_pass) };
  }

  /** One sheet's yield sums; zero cells tested when never tested. */
  async sheetYieldSums(sheet: string): Promise<YieldSums> {
    const rows = await this.reads.query<Row[]>(
      `SELECT cells_tested, first_pass, final_pass FROM test_data.sheet_yields WHERE sheet_barcode = $1`,
      [sheet],
    );
    if (!rows.length) return { sheets: 0, cellsTested: 0, firstPass: 0, finalPass: 0 };
    return {
      sheets: 1,
      cellsTested: Number(rows[0].cells_tested),
      firstPass: Number(rows[0].first_pass),
      finalPass: Number(rows[0].final_pass),
    };
  }
}
