import { Pool, type PoolClient } from 'pg';
import {
  currentResult,
  DEFAULT_TEST_POLICY,
  defaultAsMadeRuleSet,
  type CellBin,
  type CellDefect,
  type RuleSet,
  type TestPolicy,
} from '@mes/binning';
import type { CellFeatures } from '@mes/eis';
import { cellRollPosition, rollMapBase, type SheetLayout } from '@mes/geometry';
import { decodeFrequencies } from '@mes/sheet-test';
import { reportedResistances, TILE_METRICS } from './metric-columns';
import { assertSheetAttached } from './partitions';
import { inTransaction } from '@mes/service-core';
import { insertFirstRuleSetQuery } from './rule-set.queries';

/** A cell's raw measurement as stored: the spectrum is float32, all Re then all Im (@mes/sheet-test). */
export interface RawCell {
  status: 'OK' | 'NO_CONTACT';
  ocvV: number | null;
  spectrum: Uint8Array | null;
}

export interface StoredSheetTest {
  id: string;
  testId: string;
  sheet: string;
  roll: string;
  productCode: string | null;
  status: string;
  rigStation: string;
  cellAreaCm2: number;
  temperatureC: number;
  frequenciesHz: number[] | null;
  cellCount: number;
  mdStartMm: number | null;
  layout: SheetLayout | null;
  disposition: string | null;
}

/** A cell as binning sees it: the rig's status and OCV with the features its chunk computed. */
export interface FittedCell {
  row: number;
  col: number;
  status: 'OK' | 'NO_CONTACT';
  ocvV: number | null;
  features: CellFeatures | null;
}

export interface RawChunkCell extends RawCell {
  row: number;
  col: number;
}

export interface BinnedSheet {
  bins: CellBin[];
  ruleSetName: string;
  ruleSetVersion: number;
}

/** Each cell's active-area defects from the sheet's newest inspection, in the order of the cells; null when never inspected. */
export type SheetDefects = (CellDefect[] | null)[] | null;

export interface RebinScope {
  sheet?: string;
  roll?: string;
  receivedFrom?: string;
  receivedTo?: string;
}

export type FinalizeOutcome =
  { done: 'now'; bins: { softBin: number; count: number }[] } | { done: 'before' } | { done: 'not yet'; fitted: number };

/**
 * The month partition key of the test whose id is $1 (partitions.ts): every query of a test's cells,
 * features or results names it, so it reads and writes that one month's partition.
 */
const TEST_RECEIVED_AT = '(SELECT received_at FROM test_data.sheet_tests WHERE id = $1)';

/** The results of every DONE test of sheet $1, each at the test's rule set version: what the current results are made of. */
const DONE_TEST_RESULTS = `FROM test_data.sheet_tests t
         JOIN test_data.cell_results r ON r.sheet_test_id = t.id AND r.received_at = t.received_at AND r.rule_set_version = t.rule_set_version
        WHERE t.sheet_barcode = $1 AND t.status = 'DONE'`;

/** A chunk's features, or a test's features taken from its old results; cells fitted before stay. */
const INSERT_FEATURES = `INSERT INTO test_data.cell_features (sheet_test_id, row, col, status, ocv_v, features, received_at)
       SELECT $1, u.row, u.col, u.status, u.ocv, u.features, ${TEST_RECEIVED_AT}
         FROM unnest($2::smallint[], $3::smallint[], $4::text[], $5::float8[], $6::jsonb[]) AS u(row, col, status, ocv, features)
       ON CONFLICT DO NOTHING`;

/** The metrics a roll map can show, as columns of current_cell_results and of the tiles (n_*, sum_*). */
const TILE_SUMS = TILE_METRICS.map((m) => `count(${m}), coalesce(sum(${m}), 0)`).join(', ');

const finite = (v: number | undefined | null) => (v === undefined || v === null || !Number.isFinite(v) ? null : v);
const featuresJson = (f: object | null) =>
  f ? JSON.stringify(f, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v)) : null;

/**
 * The worker's access to the test-data schema (it is the test-data context's own worker). Every
 * write is idempotent: features with ON CONFLICT DO NOTHING on (test, cell), results on (test, cell,
 * rule set version), and the DONE transition under the test's row lock, so a job that runs again
 * after a crash or a retry never duplicates or changes anything.
 */
export class SheetTestStore {
  constructor(private readonly pool: Pool) {}

  async loadTest(id: string): Promise<StoredSheetTest | null> {
    const head = await this.pool.query(
      `SELECT t.id, t.test_id, t.sheet_barcode, t.roll_barcode, t.product_code, t.status, r.station_code, t.cell_area_cm2, t.temperature_c, t.frequencies, t.frequency_count,
              t.cell_count, t.md_start_mm, t.layout, t.disposition
         FROM test_data.sheet_tests t JOIN test_data.rigs r ON r.id = t.rig_id WHERE t.id = $1`,
      [id],
    );
    if (!head.rows.length) return null;
    const h = head.rows[0] as Record<string, unknown>;
    return {
      id: String(h.id),
      testId: String(h.test_id),
      sheet: String(h.sheet_barcode),
      roll: String(h.roll_barcode),
      productCode: (h.product_code as string | null) ?? null,
      status: String(h.status),
      rigStation: String(h.station_code),
      cellAreaCm2: Number(h.cell_area_cm2),
      temperatureC: Number(h.temperature_c),
      frequenciesHz: h.frequencies ? decodeFrequencies(h.frequencies as Buffer, Number(h.frequency_count)) : null,
      cellCount: Number(h.cell_count),
      mdStartMm: h.md_start_mm === null ? null : Number(h.md_start_mm),
      layout: (h.layout as SheetLayout | null) ?? null,
      disposition: (h.disposition as string | null) ?? null,
    };
  }

  async markBinning(id: string): Promise<void> {
    await this.pool.query(
      `UPDATE test_data.sheet_tests SET status = 'BINNING' WHERE id = $1 AND status IN ('QUEUED', 'BINNING', 'FAILED')`,
      [id],
    );
  }

  /** The cells of one chunk (by position in (row, col) order) that have no features yet. */
  async chunkToFit(id: string, offset: number, limit: number): Promise<RawChunkCell[]> {
    const rows = await this.pool.query(
      `SELECT c.row, c.col, c.status, c.ocv_v, c.spectrum
         FROM (SELECT row, col, status, ocv_v, spectrum, received_at FROM test_data.sheet_test_cells
                WHERE sheet_test_id = $1 AND received_at = ${TEST_RECEIVED_AT} ORDER BY row, col OFFSET $2 LIMIT $3) c
        WHERE NOT EXISTS (SELECT 1 FROM test_data.cell_features f WHERE f.sheet_test_id = $1 AND f.received_at = c.received_at AND f.row = c.row AND f.col = c.col)`,
      [id, offset, limit],
    );
    return rows.rows.map((r: Record<string, unknown>) => ({
      row: Number(r.row),
      col: Number(r.col),
      status: r.status as RawCell['status'],
      ocvV: r.ocv_v === null ? null : Number(r.ocv_v),
      spectrum: (r.spectrum as Buffer | null) ?? null,
    }));
  }

  /** One chunk's features in one statement; cells fitted before (a retried chunk) stay as they were. */
  async writeFeatures(id: string, cells: FittedCell[]): Promise<void> {
    if (!cells.length) return;
    await this.pool.query(INSERT_FEATURES, [
      id,
      cells.map((c) => c.row),
      cells.map((c) => c.col),
      cells.map((c) => c.status),
      cells.map((c) => finite(c.ocvV)),
      cells.map((c) => featuresJson(c.features)),
    ]);
  }

  /**
   * Bins the test once every cell has its features. Called by each chunk after it wrote its own:
   * the test's row lock makes the chunks that finish together take turns, so exactly one of them
   * finds every cell fitted and the test not yet DONE, bins the whole sheet (dynamic limits need all
   * its cells), writes the results and sets DONE in the same transaction.
   */
  async finalizeWhenComplete(
    test: StoredSheetTest,
    bin: (cells: FittedCell[], defects: SheetDefects) => Promise<BinnedSheet>,
  ): Promise<FinalizeOutcome> {
    return inTransaction(this.pool, async (client) => {
      const locked = await client.query(`SELECT status FROM test_data.sheet_tests WHERE id = $1 FOR UPDATE`, [test.id]);
      if (locked.rows[0]?.status === 'DONE') return { done: 'before' };
      const fitted = Number(
        (
          await client.query(
            `SELECT count(*) AS n FROM test_data.cell_features WHERE sheet_test_id = $1 AND received_at = ${TEST_RECEIVED_AT}`,
            [test.id],
          )
        ).rows[0].n,
      );
      if (fitted < test.cellCount) return { done: 'not yet', fitted };
      const rows = await client.query(
        `SELECT row, col, status, ocv_v, features FROM test_data.cell_features WHERE sheet_test_id = $1 AND received_at = ${TEST_RECEIVED_AT} ORDER BY row, col`,
        [test.id],
      );
      const cells: FittedCell[] = rows.rows.map((r: Record<string, unknown>) => ({
        row: Number(r.row),
        col: Number(r.col),
        status: r.status as FittedCell['status'],
        ocvV: r.ocv_v === null ? null : Number(r.ocv_v),
        features: (r.features as CellFeatures | null) ?? null,
      }));
      // Read under the test's row lock: an inspection stored before this point is binned here, one
      // stored after it finds the test DONE and has it re-binned (rebinWithInspection).
      const defects = await this.sheetDefects(client, test.sheet, cells);
      const { bins, ruleSetName, ruleSetVersion } = await bin(cells, defects);
      await this.insertResults(client, test, cells, bins, ruleSetName, ruleSetVersion);
      const counts = await client.query(
        `SELECT soft_bin, count(*)::int AS count FROM test_data.cell_results
          WHERE sheet_test_id = $1 AND received_at = ${TEST_RECEIVED_AT} AND rule_set_version = $2 GROUP BY soft_bin ORDER BY soft_bin`,
        [test.id, ruleSetVersion],
      );
      const binned = counts.rows.reduce((s: number, r: { count: number }) => s + r.count, 0);
      await client.query(
        `UPDATE test_data.sheet_tests SET status = 'DONE', cells_binned = $2, rule_set_version = $3, completed_at = coalesce(completed_at, now()), error = NULL WHERE id = $1`,
        [test.id, binned, ruleSetVersion],
      );
      await this.refreshCurrentResults(client, test.sheet);
      await this.refreshMapTiles(client, test.sheet, test.roll);
      return {
        done: 'now',
        bins: counts.rows.map((r: { soft_bin: number; count: number }) => ({ softBin: Number(r.soft_bin), count: r.count })),
      };
    });
  }

  private async insertResults(
    client: PoolClient,
    test: StoredSheetTest,
    cells: FittedCell[],
    bins: CellBin[],
    ruleSetName: string,
    ruleSetVersion: number,
  ): Promise<void> {
    // Roll coordinates with the geometry library, the same function tracking gives its cells.
    const { layout, mdStartMm } = test;
    const positions = cells.map((r) => (layout && mdStartMm !== null ? cellRollPosition(layout, mdStartMm, r.row, r.col) : null));
    const reported = cells.map((r) => reportedResistances(r.features));
    await client.query(
      `INSERT INTO test_data.cell_results (sheet_test_id, row, col, rule_set_version, sheet_barcode, ocv_v, r_ohmic_ohm, r_ct_ohm, asr_ohm_cm2,
                                           soft_bin, hard_bin, bin_name, rule_id, rule_set_name, reason, md_mm, cd_mm, deciding_defect, received_at)
       SELECT $1, u.row, u.col, $2, $3, u.ocv, u.r0, u.rct, u.asr, u.soft, u.hard, u.name, u.rule, $4, u.reason, u.md, u.cd, u.defect, ${TEST_RECEIVED_AT}
         FROM unnest($5::smallint[], $6::smallint[], $7::float8[], $8::float8[], $9::float8[], $10::float8[],
                     $11::smallint[], $12::smallint[], $13::varchar[], $14::varchar[], $15::text[], $16::float8[], $17::float8[], $18::varchar[])
              AS u(row, col, ocv, r0, rct, asr, soft, hard, name, rule, reason, md, cd, defect)
       ON CONFLICT DO NOTHING`,
      [
        test.id,
        ruleSetVersion,
        test.sheet,
        ruleSetName,
        cells.map((r) => r.row),
        cells.map((r) => r.col),
        cells.map((r) => finite(r.ocvV)),
        reported.map((r) => r.rOhmicOhm),
        reported.map((r) => r.rCtOhm),
        reported.map((r) => r.asrOhmCm2),
        bins.map((b) => b.softBin),
        bins.map((b) => b.hardBin),
        bins.map((b) => b.binName),
        bins.map((b) => b.ruleId),
        bins.map((b) => b.reason),
        positions.map((p) => p?.mdMm ?? null),
        positions.map((p) => p?.cdMm ?? null),
        bins.map((b) => b.decidingDefect ?? null),
      ],
    );
  }

  /**
   * The active-area defects of the sheet's newest inspection for each of `cells` (null for a cell
   * without any), or null when the sheet was never inspected (visual rules then decide nothing).
   */
  async sheetDefects(client: PoolClient | Pool, sheet: string, cells: readonly { row: number; col: number }[]): Promise<SheetDefects> {
    const newest = await client.query(
      `SELECT id, inspection_id FROM test_data.inspections WHERE sheet_barcode = $1 ORDER BY inspected_at DESC, received_at DESC LIMIT 1`,
      [sheet],
    );
    if (!newest.rows.length) return null;
    const { id, inspection_id: inspectionId } = newest.rows[0] as { id: string; inspection_id: string };
    const rows = await client.query(
      `SELECT row, col, seq, defect_class, size_um FROM test_data.inspection_defects WHERE inspection_uuid = $1 AND zone = 'ACTIVE'`,
      [id],
    );
    const byCell = new Map<number, CellDefect[]>();
    for (const r of rows.rows as { row: number; col: number; seq: number; defect_class: string; size_um: number }[]) {
      const key = r.row * 65536 + r.col;
      const list = byCell.get(key) ?? [];
      list.push({ ref: `${inspectionId}#${r.seq}`, defectClass: r.defect_class, sizeUm: Number(r.size_um) });
      byCell.set(key, list);
    }
    return cells.map((c) => byCell.get(c.row * 65536 + c.col) ?? null);
  }

  /**
   * Rewrites the sheet's current results: every binned test of each cell, oldest first and each at
   * its newest rule set version, folded with the retest convention (currentResult). Serialised per
   * sheet by an advisory lock, so two tests of one sheet finishing together cannot interleave. The
   * sheet's yield and bin counts (sheet_yields, sheet_bin_counts) are rewritten with them.
   */
  async refreshCurrentResults(client: PoolClient, sheet: string, options: { fold?: 'auto' | 'always' } = {}): Promise<void> {
    await client.query(`SELECT pg_advisory_xact_lock(hashtext('test_data.current_cell_results'), hashtext($1))`, [sheet]);
    // Rebuilt from every DONE test of the sheet: none of them may be in an archived month.
    await assertSheetAttached(client, sheet);
    await client.query(`DELETE FROM test_data.current_cell_results WHERE sheet_barcode = $1`, [sheet]);
    await client.query(`DELETE FROM test_data.sheet_yields WHERE sheet_barcode = $1`, [sheet]);
    await client.query(`DELETE FROM test_data.sheet_bin_counts WHERE sheet_barcode = $1`, [sheet]);
    const done = await client.query(`SELECT count(*)::int AS n FROM test_data.sheet_tests WHERE sheet_barcode = $1 AND status = 'DONE'`, [
      sheet,
    ]);
    const n = Number(done.rows[0].n);
    if (n === 0) return;
    // A sheet's first test (nearly every sheet): its results are the current ones (currentResult of
    // one test is that test), copied inside the database rather than read out and written back:
    // 50 ms less of a 2,500-cell sheet's finalize. The integration spec compares it with the fold.
    if (n === 1 && options.fold !== 'always') await this.copyOnlyTest(client, sheet);
    else await this.foldTests(client, sheet);
    await this.refreshSheetCounts(client, sheet);
  }

  private async copyOnlyTest(client: PoolClient, sheet: string): Promise<void> {
    await client.query(
      `INSERT INTO test_data.current_cell_results (sheet_barcode, row, col, roll_barcode, sheet_test_id, rule_set_version, tests, first_soft_bin,
                                                  ocv_v, r_ohmic_ohm, r_ct_ohm, asr_ohm_cm2, soft_bin, hard_bin, bin_name, md_mm, cd_mm)
       SELECT t.sheet_barcode, r.row, r.col, t.roll_barcode, r.sheet_test_id, r.rule_set_version, 1, r.soft_bin,
              r.ocv_v, r.r_ohmic_ohm, r.r_ct_ohm, r.asr_ohm_cm2, r.soft_bin, r.hard_bin, r.bin_name, r.md_mm, r.cd_mm
         ${DONE_TEST_RESULTS}`,
      [sheet],
    );
  }

  /** Every DONE test of each cell, oldest first, folded by the retest convention (currentResult). */
  private async foldTests(client: PoolClient, sheet: string): Promise<void> {
    const rows = await client.query(
      `SELECT r.row, r.col, t.roll_barcode, r.sheet_test_id, r.rule_set_version, r.ocv_v, r.r_ohmic_ohm, r.r_ct_ohm, r.asr_ohm_cm2,
              r.soft_bin, r.hard_bin, r.bin_name, r.md_mm, r.cd_mm
         ${DONE_TEST_RESULTS}
        ORDER BY r.row, r.col, t.received_at, t.id`,
      [sheet],
    );
    type Result = {
      row: number;
      col: number;
      roll_barcode: string;
      sheet_test_id: string;
      rule_set_version: number;
      ocv_v: number | null;
      r_ohmic_ohm: number | null;
      r_ct_ohm: number | null;
      asr_ohm_cm2: number | null;
      soft_bin: number;
      softBin: number;
      hard_bin: number;
      bin_name: string;
      md_mm: number | null;
      cd_mm: number | null;
    };
    const current: { result: Result; first: Result; tests: number }[] = [];
    const all = (rows.rows as Result[]).map((r) => ({ ...r, softBin: r.soft_bin }));
    for (let i = 0; i < all.length;) {
      let j = i + 1;
      while (j < all.length && all[j].row === all[i].row && all[j].col === all[i].col) j++;
      const tests = all.slice(i, j);
      current.push({ result: currentResult(tests), first: tests[0], tests: tests.length });
      i = j;
    }
    const col = <K extends keyof Result>(k: K) => current.map((c) => c.result[k]);
    await client.query(
      `INSERT INTO test_data.current_cell_results (sheet_barcode, row, col, roll_barcode, sheet_test_id, rule_set_version, tests, first_soft_bin,
                                                  ocv_v, r_ohmic_ohm, r_ct_ohm, asr_ohm_cm2, soft_bin, hard_bin, bin_name, md_mm, cd_mm)
       SELECT $1, u.*
         FROM unnest($2::smallint[], $3::smallint[], $4::varchar[], $5::uuid[], $6::int[], $7::smallint[], $8::smallint[], $9::float8[], $10::float8[],
                     $11::float8[], $12::float8[], $13::smallint[], $14::smallint[], $15::varchar[], $16::float8[], $17::float8[]) AS u`,
      [
        sheet,
        col('row'),
        col('col'),
        col('roll_barcode'),
        col('sheet_test_id'),
        col('rule_set_version'),
        current.map((c) => c.tests),
        current.map((c) => c.first.soft_bin),
        col('ocv_v'),
        col('r_ohmic_ohm'),
        col('r_ct_ohm'),
        col('asr_ohm_cm2'),
        col('soft_bin'),
        col('hard_bin'),
        col('bin_name'),
        col('md_mm'),
        col('cd_mm'),
      ],
    );
  }

  /** The sheet's yield and bin counts from its current results, so a roll's yield and Pareto sum a row or a few per sheet. */
  private async refreshSheetCounts(client: PoolClient, sheet: string): Promise<void> {
    await client.query(
      `INSERT INTO test_data.sheet_yields (sheet_barcode, roll_barcode, cells_tested, first_pass, final_pass)
       SELECT sheet_barcode, min(roll_barcode), count(*), count(*) FILTER (WHERE first_soft_bin BETWEEN 1 AND 9), count(*) FILTER (WHERE soft_bin BETWEEN 1 AND 9)
         FROM test_data.current_cell_results WHERE sheet_barcode = $1 GROUP BY sheet_barcode`,
      [sheet],
    );
    await client.query(
      `INSERT INTO test_data.sheet_bin_counts (sheet_barcode, soft_bin, hard_bin, bin_name, roll_barcode, cells)
       SELECT sheet_barcode, soft_bin, hard_bin, bin_name, min(roll_barcode), count(*)
         FROM test_data.current_cell_results WHERE sheet_barcode = $1 GROUP BY sheet_barcode, soft_bin, hard_bin, bin_name`,
      [sheet],
    );
  }

  /**
   * The sheet's map tiles from its current results, then the roll's map rows of the MD bins the
   * sheet touches, re-summed from the tiles of every sheet there (two sheets of a roll share the MD
   * bin they meet in, so the roll's rows are rewritten under a per-roll advisory lock), and the roll
   * map's version bumped. The base steps are those of the roll's first test (@mes/geometry
   * rollMapBase), the same for all its sheets.
   */
  async refreshMapTiles(client: PoolClient, sheet: string, roll: string): Promise<void> {
    const first = await client.query(
      `SELECT layout FROM test_data.sheet_tests WHERE roll_barcode = $1 AND layout IS NOT NULL ORDER BY received_at, id LIMIT 1`,
      [roll],
    );
    const layout = first.rows[0]?.layout as SheetLayout | undefined;
    await client.query(`SELECT pg_advisory_xact_lock(hashtext('test_data.roll_map_rows'), hashtext($1))`, [roll]);
    const old = await client.query(`DELETE FROM test_data.sheet_map_tiles WHERE sheet_barcode = $1 RETURNING md_bin`, [sheet]);
    if (!layout) return; // results without roll positions: nothing to map
    const base = rollMapBase(layout);
    const added = await client.query(
      `INSERT INTO test_data.sheet_map_tiles
         SELECT sheet_barcode, floor(md_mm / $2::float8)::int, floor(cd_mm / $3::float8)::int, roll_barcode, $2, $3, ${TILE_SUMS}
           FROM test_data.current_cell_results
          WHERE sheet_barcode = $1 AND md_mm IS NOT NULL AND cd_mm IS NOT NULL
          GROUP BY sheet_barcode, 2, 3, roll_barcode
       RETURNING md_bin`,
      [sheet, base.mdStepMm, base.cdStepMm],
    );
    const mdBins = [...new Set<number>([...old.rows, ...added.rows].map((r: { md_bin: number }) => r.md_bin))];
    await client.query(`DELETE FROM test_data.roll_map_rows WHERE roll_barcode = $1 AND md_bin = ANY($2::int[])`, [roll, mdBins]);
    // One row per MD bin, every metric's counts and sums as arrays indexed by CD bin (0 where no cell).
    await client.query(
      `INSERT INTO test_data.roll_map_rows
       WITH t AS (SELECT md_bin, cd_bin, ${TILE_METRICS.map((m) => `sum(n_${m}) AS n_${m}, sum(sum_${m}) AS sum_${m}`).join(', ')}
                    FROM test_data.sheet_map_tiles WHERE roll_barcode = $1 AND md_bin = ANY($2::int[]) AND cd_bin >= 0 GROUP BY md_bin, cd_bin),
            g AS (SELECT md_bin, generate_series(0, max(cd_bin)) AS cd_bin FROM t GROUP BY md_bin)
       SELECT $1, g.md_bin, ${TILE_METRICS.map((m) => `array_agg(coalesce(t.n_${m}, 0)::int ORDER BY g.cd_bin), array_agg(coalesce(t.sum_${m}, 0) ORDER BY g.cd_bin)`).join(', ')}
         FROM g LEFT JOIN t USING (md_bin, cd_bin) GROUP BY g.md_bin`,
      [roll, mdBins],
    );
    await client.query(
      `INSERT INTO test_data.roll_maps (roll_barcode, md_step_mm, cd_step_mm, version, updated_at) VALUES ($1, $2, $3, 1, now())
       ON CONFLICT (roll_barcode) DO UPDATE SET version = roll_maps.version + 1, updated_at = now()`,
      [roll, base.mdStepMm, base.cdStepMm],
    );
  }

  /** The sheet's current bins over all its tests (see refreshCurrentResults) and how many of its tests are done. */
  async sheetStanding(sheet: string): Promise<{ pass: number; fail: number; rigFault: number; testsDone: number }> {
    const r = await this.pool.query(
      `SELECT count(*) FILTER (WHERE soft_bin BETWEEN 1 AND 9)::int AS pass,
              count(*) FILTER (WHERE soft_bin >= 10)::int AS fail,
              count(*) FILTER (WHERE soft_bin = 0)::int AS rig_fault,
              (SELECT count(*)::int FROM test_data.sheet_tests WHERE sheet_barcode = $1 AND status = 'DONE') AS tests_done
         FROM test_data.current_cell_results WHERE sheet_barcode = $1`,
      [sheet],
    );
    const row = r.rows[0] as { pass: number; fail: number; rig_fault: number; tests_done: number };
    return { pass: row.pass, fail: row.fail, rigFault: row.rig_fault, testsDone: row.tests_done };
  }

  /**
   * The rule set new results of a product's tests are binned with: its newest RELEASED version. A
   * product without any gets version 1, the library's default as-made rule set for its cell area
   * (created here on first use; the test-data service does the same when an engineer first asks).
   * Tests stored without a product code use that default without storing it.
   */
  async activeRuleSet(productCode: string | null, cellAreaCm2: number): Promise<RuleSet> {
    if (!productCode) return defaultAsMadeRuleSet(cellAreaCm2);
    const newest = () =>
      this.pool.query(
        `SELECT rule_set FROM test_data.rule_sets WHERE product_code = $1 AND status = 'RELEASED' ORDER BY version DESC LIMIT 1`,
        [productCode],
      );
    let found = await newest();
    if (!found.rows.length) {
      const first = insertFirstRuleSetQuery(productCode, cellAreaCm2, 'binning-worker');
      await this.pool.query(first.text, first.values);
      found = await newest();
    }
    return found.rows[0].rule_set as RuleSet;
  }

  /**
   * Re-bins one DONE test with `ruleSet` from its stored features (never the raw spectra), unless it
   * is at that version already: new results next to the old ones, the test moved to the new version,
   * the sheet's current results and map aggregates rewritten, all in one transaction under the test's
   * row lock. Tests binned before features had a table of their own take them from their results.
   */
  async rebinTest(
    test: StoredSheetTest,
    ruleSet: RuleSet,
    bin: (cells: FittedCell[], defects: SheetDefects) => BinnedSheet,
  ): Promise<boolean> {
    return inTransaction(this.pool, async (client) => {
      const locked = await client.query(`SELECT status, rule_set_version FROM test_data.sheet_tests WHERE id = $1 FOR UPDATE`, [test.id]);
      const current = locked.rows[0] as { status: string; rule_set_version: number | null } | undefined;
      if (!current || current.status !== 'DONE' || current.rule_set_version === ruleSet.version) return false;
      await assertSheetAttached(client, test.sheet);
      const cells = await this.storedFeatures(client, test.id, current.rule_set_version);
      const binned = bin(cells, await this.sheetDefects(client, test.sheet, cells));
      await this.insertResults(client, test, cells, binned.bins, binned.ruleSetName, binned.ruleSetVersion);
      await client.query(`UPDATE test_data.sheet_tests SET rule_set_version = $2, cells_binned = $3 WHERE id = $1`, [
        test.id,
        binned.ruleSetVersion,
        cells.length,
      ]);
      await this.refreshCurrentResults(client, test.sheet);
      await this.refreshMapTiles(client, test.sheet, test.roll);
      return true;
    });
  }

  /** Every cell of a test with its stored features (from its results at `version` for tests binned before features had a table). */
  private async storedFeatures(client: PoolClient, testId: string, version: number | null): Promise<FittedCell[]> {
    const rows = await client.query(
      `SELECT c.row, c.col, c.status, c.ocv_v, coalesce(f.features, r.features) AS features
         FROM test_data.sheet_test_cells c
         LEFT JOIN test_data.cell_features f ON f.sheet_test_id = c.sheet_test_id AND f.received_at = c.received_at AND f.row = c.row AND f.col = c.col
         LEFT JOIN test_data.cell_results r ON f.sheet_test_id IS NULL AND r.sheet_test_id = c.sheet_test_id AND r.received_at = c.received_at
                                          AND r.row = c.row AND r.col = c.col AND r.rule_set_version = $2
        WHERE c.sheet_test_id = $1 AND c.received_at = ${TEST_RECEIVED_AT} ORDER BY c.row, c.col`,
      [testId, version],
    );
    return rows.rows.map((r: Record<string, unknown>) => ({
      row: Number(r.row),
      col: Number(r.col),
      status: r.status as FittedCell['status'],
      ocvV: r.ocv_v === null ? null : Number(r.ocv_v),
      features: (r.features as CellFeatures | null) ?? null,
    }));
  }

  /** The DONE tests of a sheet, oldest first. */
  async doneTestsOfSheet(sheet: string): Promise<string[]> {
    const r = await this.pool.query(
      `SELECT id FROM test_data.sheet_tests WHERE sheet_barcode = $1 AND status = 'DONE' ORDER BY received_at, id`,
      [sheet],
    );
    return r.rows.map((x: { id: string }) => String(x.id));
  }

  /** The rule set a test was binned with (its product's stored version, or the default for tests without a product). */
  async ruleSetOfVersion(productCode: string | null, cellAreaCm2: number, version: number): Promise<RuleSet | null> {
    if (!productCode) return defaultAsMadeRuleSet(cellAreaCm2, version);
    const r = await this.pool.query(`SELECT rule_set FROM test_data.rule_sets WHERE product_code = $1 AND version = $2`, [
      productCode,
      version,
    ]);
    return r.rows.length ? (r.rows[0].rule_set as RuleSet) : null;
  }

  /**
   * An inspection came after a test was binned: the test's results at its own rule set version are
   * replaced by a binning with the sheet's defects (same rule set, same features, no refit), and the
   * sheet's current results and maps rewritten, in one transaction under the test's row lock.
   * Running it again gives the same rows: the binning is a function of features, defects and rules.
   */
  async rebinWithInspection(
    test: StoredSheetTest,
    bin: (ruleSet: RuleSet, cells: FittedCell[], defects: SheetDefects) => BinnedSheet,
  ): Promise<boolean> {
    return inTransaction(this.pool, async (client) => {
      const locked = await client.query(`SELECT status, rule_set_version FROM test_data.sheet_tests WHERE id = $1 FOR UPDATE`, [test.id]);
      const current = locked.rows[0] as { status: string; rule_set_version: number | null } | undefined;
      if (!current || current.status !== 'DONE' || current.rule_set_version === null) return false;
      await assertSheetAttached(client, test.sheet);
      const ruleSet = await this.ruleSetOfVersion(test.productCode, test.cellAreaCm2, current.rule_set_version);
      if (!ruleSet) throw new Error(`rule set version ${current.rule_set_version} of product ${test.productCode} is not stored`);
      const cells = await this.storedFeatures(client, test.id, current.rule_set_version);
      const binned = bin(ruleSet, cells, await this.sheetDefects(client, test.sheet, cells));
      // A test binned before features had a table keeps them only in the results about to be
      // replaced: they move to cell_features first, so a later rebin still finds them.
      const kept = await client.query(
        `SELECT count(*)::int AS n FROM test_data.cell_features WHERE sheet_test_id = $1 AND received_at = ${TEST_RECEIVED_AT}`,
        [test.id],
      );
      if (Number(kept.rows[0].n) < cells.length) {
        await client.query(INSERT_FEATURES, [
          test.id,
          cells.map((c) => c.row),
          cells.map((c) => c.col),
          cells.map((c) => c.status),
          cells.map((c) => finite(c.ocvV)),
          cells.map((c) => featuresJson(c.features)),
        ]);
      }
      await client.query(
        `DELETE FROM test_data.cell_results WHERE sheet_test_id = $1 AND received_at = ${TEST_RECEIVED_AT} AND rule_set_version = $2`,
        [test.id, current.rule_set_version],
      );
      await this.insertResults(client, test, cells, binned.bins, binned.ruleSetName, binned.ruleSetVersion);
      await this.refreshCurrentResults(client, test.sheet);
      await this.refreshMapTiles(client, test.sheet, test.roll);
      return true;
    });
  }

  /** The inspection's re-binning is done: the sweeper leaves it alone from now on. */
  async markInspectionApplied(inspectionUuid: string): Promise<void> {
    await this.pool.query(`UPDATE test_data.inspections SET rebinned_at = coalesce(rebinned_at, now()) WHERE id = $1`, [inspectionUuid]);
  }

  async rebinRequest(id: string): Promise<{ id: string; status: string; scope: RebinScope } | null> {
    const r = await this.pool.query(`SELECT id, status, scope FROM test_data.rebin_requests WHERE id = $1`, [id]);
    return (r.rows[0] as { id: string; status: string; scope: RebinScope } | undefined) ?? null;
  }

  /** The DONE tests a rebin request covers, oldest first (a retest after the test it retests). */
  async testsInScope(scope: RebinScope): Promise<string[]> {
    const r = await this.pool.query(
      `SELECT id FROM test_data.sheet_tests
        WHERE status = 'DONE'
          AND (($1::text IS NOT NULL AND sheet_barcode = $1) OR ($2::text IS NOT NULL AND roll_barcode = $2)
               OR ($3::timestamptz IS NOT NULL AND received_at >= $3 AND received_at < $4::timestamptz))
        ORDER BY received_at, id`,
      [scope.sheet ?? null, scope.roll ?? null, scope.receivedFrom ?? null, scope.receivedTo ?? null],
    );
    return r.rows.map((x: { id: string }) => x.id);
  }

  async markRebin(id: string, status: 'RUNNING' | 'DONE', counts: { testsInScope?: number; testsRebinned?: number } = {}): Promise<void> {
    await this.pool.query(
      `UPDATE test_data.rebin_requests SET status = $2::varchar, tests_in_scope = coalesce($3::int, tests_in_scope), tests_rebinned = coalesce($4::int, tests_rebinned),
              finished_at = CASE WHEN $2::varchar = 'DONE' THEN now() ELSE finished_at END, error = NULL
        WHERE id = $1`,
      [id, status, counts.testsInScope ?? null, counts.testsRebinned ?? null],
    );
  }

  async markRebinFailed(id: string, error: string): Promise<void> {
    await this.pool.query(
      `UPDATE test_data.rebin_requests SET status = 'FAILED', error = $2, finished_at = now() WHERE id = $1 AND status <> 'DONE'`,
      [id, error.slice(0, 2000)],
    );
  }

  /** The product's sheet-test policy, the defaults when none was set (or the product is unknown). */
  async testPolicy(productCode: string | null): Promise<TestPolicy> {
    if (!productCode) return { ...DEFAULT_TEST_POLICY };
    const r = await this.pool.query(`SELECT max_retests, yield_hold_below FROM test_data.product_test_policies WHERE product_code = $1`, [
      productCode,
    ]);
    if (!r.rows.length) return { ...DEFAULT_TEST_POLICY };
    return { maxRetests: Number(r.rows[0].max_retests), yieldHoldBelow: Number(r.rows[0].yield_hold_below) };
  }

  /** What the finish job did with the sheet; only the first call counts. */
  async markDisposed(id: string, disposition: 'TRACKED_OUT' | 'HELD' | 'WAITS_FOR_RETEST'): Promise<void> {
    await this.pool.query(`UPDATE test_data.sheet_tests SET disposition = $2, disposed_at = now() WHERE id = $1 AND disposition IS NULL`, [
      id,
      disposition,
    ]);
  }

  async markFailed(id: string, error: string): Promise<void> {
    await this.pool.query(`UPDATE test_data.sheet_tests SET status = 'FAILED', error = $2 WHERE id = $1 AND status <> 'DONE'`, [
      id,
      error.slice(0, 2000),
    ]);
  }
}
