/**
 * Benchmark (c) of the sheet-test issue: rollMap over a roll of 600 sheets x 2,500 cells through the
 * gateway (served from the roll map rows the binning worker keeps), against the plain SQL aggregate over
 * the roll's 1.5 million current cell rows, in the same run. The results are generated in PostgreSQL
 * with generate_series (binning 600 sheets would take minutes); the tiles are then built sheet by
 * sheet with the worker’s own maintenance code. Every figure goes through the gateway, so the
 * default map (one bin per sheet length x cell pitch: 601 x 55 bins) includes serialising its 33,000
 * values and counts twice (subgraph and gateway).
 */
import type { Client } from 'pg';
import { Pool } from 'pg';
import { SheetTestStore } from '@mes/test-data-store';
import { GraphqlClient } from '@mes/testing';
import type { MesProcesses } from '../../tests/support/mes-processes';
import { report, summarize } from './bench-util';

const LAYOUT = {
  rows: 50,
  cols: 50,
  cellMdMm: 5,
  cellCdMm: 5,
  pitchMdMm: 5.5,
  pitchCdMm: 5.5,
  firstCellMdMm: 15.25,
  firstCellCdMm: 15.25,
  sheetLengthMdMm: 300,
};
const SHEETS = 600;
const ROLL = 'R-BENCH-MAP';

/**
 * A roll of 600 sheets with an OCV for every cell, its map tiles built by the worker's own code.
 * Answers the roll's barcode, how long generating took and each sheet's tile upkeep.
 */
export async function prepareRollMapRoll(mes: MesProcesses, db: Client): Promise<{ roll: string; generateMs: number; tileMs: number[] }> {
  await mes.admin.ok(
    `mutation { registerRoll(input: { barcode: "${ROLL}", productCode: "TFB-0505", widthMm: 300, lengthM: ${(SHEETS * 300) / 1000 + 1} }) { barcode } }`,
  );
  const t0 = performance.now();
  const rig = (await db.query(`SELECT id FROM test_data.rigs LIMIT 1`)).rows[0].id as string;
  await db.query(
    `INSERT INTO test_data.sheet_tests (id, test_id, content_hash, rig_id, sheet_barcode, roll_barcode, rows, cols, cell_area_cm2, started_at, temperature_c,
       frequency_count, cell_count, status, rule_set_version, md_start_mm, layout, completed_at)
     SELECT gen_random_uuid(), 'BENCH-MAP-' || s, repeat('0', 64), $1, 'S-BENCH-' || s, $2, 50, 50, 0.25, now(), 25, 0, 2500, 'DONE', 1, s * 300, $3, now()
       FROM generate_series(0, $4 - 1) s`,
    [rig, ROLL, JSON.stringify(LAYOUT), SHEETS],
  );
  await db.query(
    `INSERT INTO test_data.cell_results (sheet_test_id, row, col, rule_set_version, sheet_barcode, ocv_v, r_ohmic_ohm, r_ct_ohm, asr_ohm_cm2,
                                         soft_bin, hard_bin, bin_name, rule_id, rule_set_name, md_mm, cd_mm, received_at)
     SELECT t.id, r, c, 1, t.sheet_barcode, 3.9 + random() * 0.05, 1 + random(), 20 + random() * 5, 5 + random(), b, CASE WHEN b < 10 THEN 1 ELSE 2 END, 'B' || b, 'r', 'rs',
            t.md_start_mm + 15.25 + r * 5.5, 15.25 + c * 5.5, t.received_at
       FROM test_data.sheet_tests t, generate_series(0, 49) r, generate_series(0, 49) c, LATERAL (SELECT CASE WHEN random() < 0.03 THEN 14 ELSE 1 + (r + c) % 3 END AS b) x
      WHERE t.roll_barcode = $1`,
    [ROLL],
  );
  await db.query(
    `INSERT INTO test_data.current_cell_results (sheet_barcode, row, col, roll_barcode, sheet_test_id, rule_set_version, tests, first_soft_bin,
                                                ocv_v, r_ohmic_ohm, r_ct_ohm, asr_ohm_cm2, soft_bin, hard_bin, bin_name, md_mm, cd_mm)
     SELECT r.sheet_barcode, r.row, r.col, t.roll_barcode, r.sheet_test_id, 1, 1, r.soft_bin, r.ocv_v, r.r_ohmic_ohm, r.r_ct_ohm, r.asr_ohm_cm2, r.soft_bin, r.hard_bin, r.bin_name, r.md_mm, r.cd_mm
       FROM test_data.cell_results r JOIN test_data.sheet_tests t ON t.id = r.sheet_test_id WHERE t.roll_barcode = $1`,
    [ROLL],
  );
  const generateMs = performance.now() - t0;
  const pool = new Pool({ connectionString: mes.db.url, max: 2 });
  const store = new SheetTestStore(pool);
  const tileMs: number[] = [];
  try {
    for (let s = 0; s < SHEETS; s++) {
      const client = await pool.connect();
      try {
        const t = performance.now();
        await client.query('BEGIN');
        await store.refreshMapTiles(client, `S-BENCH-${s}`, ROLL);
        await client.query('COMMIT');
        tileMs.push(performance.now() - t);
      } finally {
        client.release();
      }
    }
  } finally {
    await pool.end();
  }
  await db.query('ANALYZE test_data.current_cell_results; ANALYZE test_data.roll_map_rows');
  return { roll: ROLL, generateMs, tileMs };
}

export async function benchRollMap(mes: MesProcesses, db: Client, _jwtSecret: string): Promise<Record<string, number>> {
  const { generateMs, tileMs } = await prepareRollMapRoll(mes, db);
  const query = `{ rollMap(roll: "${ROLL}", metric: OCV_V) { mdBins cdBins values counts } }`;
  const first = await mes.admin.ok(query);
  const cells = (first.rollMap.counts as number[]).reduce((a, b) => a + b, 0);
  // Cold: as after a sheet of the roll was binned (the worker bumps the roll map's version), so the
  // service sums the roll's map rows again. Warm: the same map again, from the service's memory.
  const coldMs: number[] = [];
  for (let i = 0; i < 10; i++) {
    await db.query(`UPDATE test_data.roll_maps SET version = version + 1 WHERE roll_barcode = $1`, [ROLL]);
    const t = performance.now();
    await mes.admin.ok(query);
    coldMs.push(performance.now() - t);
  }
  const warmMs: number[] = [];
  for (let i = 0; i < 30; i++) {
    const t = performance.now();
    await mes.admin.ok(query);
    warmMs.push(performance.now() - t);
  }
  // The same map straight from the MES's test-data subgraph, to tell the subgraph's share from the
  // gateway's (which processes the 66,000 list items once more). Asked over HTTP, not started in this
  // process: it shares the Roll type name with tracking, whose models the bench process has loaded.
  const directMs: number[] = [];
  const direct = new GraphqlClient(mes.testDataUrl, mes.admin.token);
  await direct.ok(query);
  for (let i = 0; i < 30; i++) {
    const t = performance.now();
    await direct.ok(query);
    directMs.push(performance.now() - t);
  }
  const smallMs: number[] = [];
  for (let i = 0; i < 10; i++) {
    await db.query(`UPDATE test_data.roll_maps SET version = version + 1 WHERE roll_barcode = $1`, [ROLL]);
    const t = performance.now();
    await mes.admin.ok(`{ rollMap(roll: "${ROLL}", metric: OCV_V, mdStepMm: 3000, cdStepMm: 55) { values counts } }`);
    smallMs.push(performance.now() - t);
  }
  const plainMs: number[] = [];
  for (let i = 0; i < 7; i++) {
    const t = performance.now();
    await db.query(
      `SELECT floor(md_mm / 300::float8)::int AS mb, floor(cd_mm / 5.5::float8)::int AS cb, avg(ocv_v), count(ocv_v)
         FROM test_data.current_cell_results WHERE roll_barcode = $1 AND md_mm IS NOT NULL GROUP BY 1, 2`,
      [ROLL],
    );
    plainMs.push(performance.now() - t);
  }
  await db.query(`UPDATE test_data.roll_maps SET version = version + 1 WHERE roll_barcode = $1`, [ROLL]);
  const t = performance.now();
  await mes.admin.ok(`{ rollMap(roll: "${ROLL}", metric: OCV_V, mdStepMm: 250, cdStepMm: 50) { counts } }`);
  const oddMs = performance.now() - t;
  const cold = summarize(coldMs);
  const warm = summarize(warmMs);
  const plain = summarize(plainMs);
  console.log(
    `\nrollMap over a roll of ${SHEETS} sheets x 2,500 cells (${cells} cells with an OCV; data generated in ${(generateMs / 1000).toFixed(1)} s)`,
  );
  report('roll map upkeep per sheet landing (worker), p50', summarize(tileMs).p50, 'ms');
  report(`rollMap, default steps (${first.rollMap.mdBins} x ${first.rollMap.cdBins} bins), cold, p50`, cold.p50, 'ms', {
    value: 50,
    better: 'lower',
  });
  report('rollMap, default steps, unchanged roll (from memory), p50', warm.p50, 'ms', { value: 50, better: 'lower' });
  report('the same from the test-data subgraph directly (from memory), p50', summarize(directMs).p50, 'ms', { value: 50, better: 'lower' });
  report('rollMap, 3000 x 55 mm (10 x coarser, 1,320 bins), cold, p50', summarize(smallMs).p50, 'ms', { value: 50, better: 'lower' });
  report('plain SQL aggregate over the current cell rows, p50', plain.p50, 'ms');
  report('plain SQL aggregate / rollMap cold (same run)', plain.p50 / cold.p50, 'x');
  report('rollMap at 250 x 50 mm, cold (falls back to the cells)', oddMs, 'ms');
  return { rollMapColdP50Ms: cold.p50, rollMapWarmP50Ms: warm.p50, rollMapPlainSqlP50Ms: plain.p50 };
}
