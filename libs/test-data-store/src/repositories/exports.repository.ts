import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Pool, PoolClient } from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import type { Readable } from 'node:stream';
import type { DataSource } from 'typeorm';

type Row = Record<string, unknown>;

/*
 * The CSV exports are PostgreSQL's own CSV (COPY ... TO STDOUT WITH CSV HEADER) streamed to the
 * client: rows leave the database as they are read, so a roll of millions of cells never sits in
 * memory. Floats come out in PostgreSQL's shortest exact form (they read back to the same double).
 * The column lists are documented in docs/exports.md; a change here changes what users' tools read.
 */

/** The cell's scannable identity (`<sheet>-R<row>C<col>`), from the columns of table alias `t`. */
const cellId = (t = ''): string => `${t}sheet_barcode || '-R' || ${t}row || 'C' || ${t}col AS cell_id`;

/** A sheet's (or a roll's) current results: the result that counts for each tested cell. */
const CURRENT_COLUMNS = `roll_barcode AS roll, sheet_barcode AS sheet, row, col, ${cellId()}, md_mm, cd_mm,
  ocv_v, r_ohmic_ohm, r_ct_ohm, asr_ohm_cm2, soft_bin, hard_bin, bin_name, (soft_bin BETWEEN 1 AND 9) AS pass,
  tests, first_soft_bin, sheet_test_id, rule_set_version`;

@Injectable()
export class ExportsRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async sheetTest(id: string): Promise<Row | null> {
    const rows = await this.db.query<Row[]>(
      `SELECT t.*, r.name AS rig_name,
              (SELECT max(rule_set_version) FROM test_data.cell_results c WHERE c.sheet_test_id = t.id AND c.received_at = t.received_at) AS binned_version
         FROM test_data.sheet_tests t JOIN test_data.rigs r ON r.id = t.rig_id WHERE t.id = $1`,
      [id],
    );
    return rows[0] ?? null;
  }

  /** The newest test of a sheet (its grid, layout, product and roll as tracking had them). */
  async newestTestOfSheet(sheet: string): Promise<Row | null> {
    const rows = await this.db.query<Row[]>(
      `SELECT * FROM test_data.sheet_tests WHERE sheet_barcode = $1 ORDER BY received_at DESC, id LIMIT 1`,
      [sheet],
    );
    return rows[0] ?? null;
  }

  async ruleSet(productCode: string, version: number): Promise<object | null> {
    const rows = await this.db.query<{ rule_set: object }[]>(
      `SELECT rule_set FROM test_data.rule_sets WHERE product_code = $1 AND version = $2`,
      [productCode, version],
    );
    return rows[0]?.rule_set ?? null;
  }

  /** Every result of one test at one rule set version, row by row. */
  async testResults(sheetTestId: string, version: number): Promise<Row[]> {
    return this.rows(
      `SELECT row, col, ocv_v, r_ohmic_ohm, r_ct_ohm, asr_ohm_cm2, soft_bin, hard_bin, bin_name
         FROM test_data.cell_results
        WHERE sheet_test_id = $1 AND received_at = (SELECT received_at FROM test_data.sheet_tests WHERE id = $1) AND rule_set_version = $2
        ORDER BY row, col`,
      [sheetTestId, version],
    );
  }

  /**
   * A sheet's current results with their values, row by row (for STDF). Straight from the pool, as
   * the COPYs: through TypeORM's query() a 600-sheet roll STDF ran half as fast and grew the process
   * by ~90 MiB per 150 sheets; through pg it stays within a few MiB (npm run bench interop).
   */
  async currentResultValues(sheet: string): Promise<Row[]> {
    return this.rows(
      `SELECT row, col, ocv_v, r_ohmic_ohm, r_ct_ohm, asr_ohm_cm2, soft_bin, hard_bin, bin_name, rule_set_version
         FROM test_data.current_cell_results WHERE sheet_barcode = $1 ORDER BY row, col`,
      [sheet],
    );
  }

  /**
   * The sheets of a roll (or one sheet) that have current results, along the web (MD of the cut, then
   * barcode), with when their tests started and finished and the rigs that tested them.
   */
  async sheetsWithResults(scope: { roll: string } | { sheet: string }): Promise<Row[]> {
    const [where, value] = 'roll' in scope ? ['y.roll_barcode', scope.roll] : ['y.sheet_barcode', scope.sheet];
    return this.db.query<Row[]>(
      `SELECT y.sheet_barcode AS sheet, min(t.started_at) AS started_at, max(coalesce(t.completed_at, t.received_at)) AS finished_at,
              max(t.rule_set_version) AS rule_set_version, string_agg(DISTINCT r.name, ', ') AS rigs
         FROM test_data.sheet_yields y
         JOIN test_data.sheet_tests t ON t.sheet_barcode = y.sheet_barcode
         JOIN test_data.rigs r ON r.id = t.rig_id
        WHERE ${where} = $1 AND y.cells_tested > 0
        GROUP BY y.sheet_barcode
        ORDER BY min(t.md_start_mm) NULLS LAST, y.sheet_barcode`,
      [value],
    );
  }

  /** The newest test of a roll (its product, grid and layout). */
  async newestTestOfRoll(roll: string): Promise<Row | null> {
    const rows = await this.db.query<Row[]>(
      `SELECT * FROM test_data.sheet_tests WHERE roll_barcode = $1 ORDER BY received_at DESC, id LIMIT 1`,
      [roll],
    );
    return rows[0] ?? null;
  }

  /** Every bin the current results of a roll's sheets carry (from the kept bin counts, not the cells). */
  async rollBins(roll: string): Promise<Row[]> {
    return this.db.query<Row[]>(
      `SELECT DISTINCT soft_bin, hard_bin, bin_name FROM test_data.sheet_bin_counts WHERE roll_barcode = $1 AND cells > 0`,
      [roll],
    );
  }

  async currentResults(sheet: string): Promise<Row[]> {
    return this.db.query<Row[]>(
      `SELECT row, col, soft_bin, hard_bin, bin_name, rule_set_version FROM test_data.current_cell_results WHERE sheet_barcode = $1`,
      [sheet],
    );
  }

  async sheetHasResults(sheet: string): Promise<boolean> {
    return (await this.db.query(`SELECT 1 FROM test_data.sheet_yields WHERE sheet_barcode = $1 AND cells_tested > 0`, [sheet])).length > 0;
  }

  async rollHasResults(roll: string): Promise<boolean> {
    return (
      (await this.db.query(`SELECT 1 FROM test_data.sheet_yields WHERE roll_barcode = $1 AND cells_tested > 0 LIMIT 1`, [roll])).length > 0
    );
  }

  /** Columns: docs/exports.md "sheet test results". */
  copySheetTestResults(sheetTestId: string, version: number): Promise<CsvCopy> {
    return this.copy(
      `SELECT t.roll_barcode AS roll, c.sheet_barcode AS sheet, c.row, c.col, ${cellId('c.')}, c.md_mm, c.cd_mm, f.status,
              c.ocv_v, c.r_ohmic_ohm, c.r_ct_ohm, c.asr_ohm_cm2, c.soft_bin, c.hard_bin, c.bin_name, (c.soft_bin BETWEEN 1 AND 9) AS pass,
              c.rule_id, c.reason, c.rule_set_name, c.rule_set_version, t.test_id, c.sheet_test_id
         FROM test_data.cell_results c
         JOIN test_data.sheet_tests t ON t.id = c.sheet_test_id AND t.received_at = c.received_at
         LEFT JOIN test_data.cell_features f ON f.sheet_test_id = c.sheet_test_id AND f.received_at = c.received_at AND f.row = c.row AND f.col = c.col
        WHERE c.sheet_test_id = ${literal(sheetTestId)} AND c.rule_set_version = ${Number(version)}
          AND c.received_at = (SELECT received_at FROM test_data.sheet_tests WHERE id = ${literal(sheetTestId)})
        ORDER BY c.row, c.col`,
    );
  }

  /** Columns: docs/exports.md "current results". */
  copySheetResults(sheet: string): Promise<CsvCopy> {
    return this.copy(
      `SELECT ${CURRENT_COLUMNS} FROM test_data.current_cell_results WHERE sheet_barcode = ${literal(sheet)} ORDER BY row, col`,
    );
  }

  /** A roll's cells along the web (the roll index's order), then across it. */
  copyRollCells(roll: string): Promise<CsvCopy> {
    return this.copy(
      `SELECT ${CURRENT_COLUMNS} FROM test_data.current_cell_results WHERE roll_barcode = ${literal(roll)} ORDER BY md_mm, cd_mm, sheet_barcode, row, col`,
    );
  }

  /** Columns: docs/exports.md "bin summary". */
  copyBins(scope: { sheet?: string; roll?: string }): Promise<CsvCopy> {
    const where = scope.sheet !== undefined ? `sheet_barcode = ${literal(scope.sheet)}` : `roll_barcode = ${literal(scope.roll as string)}`;
    return this.copy(
      `SELECT soft_bin, hard_bin, bin_name, (soft_bin BETWEEN 1 AND 9) AS pass, sum(cells)::int AS cells,
              round(100.0 * sum(cells) / sum(sum(cells)) OVER (), 3) AS percent
         FROM test_data.sheet_bin_counts WHERE ${where} GROUP BY soft_bin, hard_bin, bin_name ORDER BY soft_bin, hard_bin, bin_name`,
    );
  }

  /** Columns: docs/exports.md "pick result". */
  copyPickResult(sheet: string): Promise<CsvCopy> {
    return this.copy(
      `SELECT p.sheet_barcode AS sheet, p.row, p.col, ${cellId('p.')}, p.code, p.description, p.picked, r.soft_bin, r.bin_name, p.imported_at, p.imported_by
         FROM test_data.pick_result_cells p
         LEFT JOIN test_data.current_cell_results r ON r.sheet_barcode = p.sheet_barcode AND r.row = p.row AND r.col = p.col
        WHERE p.sheet_barcode = ${literal(sheet)} ORDER BY p.row, p.col`,
    );
  }

  async hasPickResult(sheet: string): Promise<boolean> {
    return (await this.db.query(`SELECT 1 FROM test_data.pick_result_cells WHERE sheet_barcode = $1 LIMIT 1`, [sheet])).length > 0;
  }

  /** Many rows of one query, straight from the pool (see currentResultValues for why not TypeORM's query()). */
  private async rows(text: string, values: unknown[]): Promise<Row[]> {
    const pool = (this.db.driver as unknown as { master: Pool }).master;
    return (await pool.query<Row>(text, values)).rows;
  }

  /** COPY cannot take bind parameters, so values are quoted as literals (see literal()). */
  private async copy(select: string): Promise<CsvCopy> {
    const pool = (this.db.driver as unknown as { master: Pool }).master;
    const client = await pool.connect();
    try {
      const stream = client.query(copyTo(`COPY (${select}) TO STDOUT WITH (FORMAT csv, HEADER true)`));
      return { stream, client };
    } catch (e) {
      client.release(true);
      throw e;
    }
  }
}

/** A COPY in progress and the connection it holds (release it when the stream ends). */
export interface CsvCopy {
  stream: Readable;
  client: PoolClient;
}

/** A string as an SQL literal: single quotes doubled, no backslash escapes (standard_conforming_strings). */
function literal(v: string): string {
  if (v.includes('\0')) throw new Error('NUL in an SQL literal');
  return `'${v.replace(/'/g, "''")}'`;
}
