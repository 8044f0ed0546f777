/**
 * Assembly benchmarks (issue 10): a pick map for a 2,500-cell sheet, a stack proposal over 10,000
 * singulated cells (stacks formed against the upper bound cells / N), and where-used from a roll
 * region of 100,000 cells to the stacks that hold them (on PostgreSQL, in a database of its own).
 * Run alone: npm run bench -- assembly
 */
import 'reflect-metadata';
import { buildPickMap, DEFAULT_MATCHING, proposeStacks, type MatchCell, type PickCandidate } from '@mes/assembly';
import { createTestDatabase } from '@mes/testing';
import { createAssemblyDataSource, migrateAssembly, StackRepository, StackService } from '@mes/assembly-service';
import { report, summarize } from './bench-util';

/** Deterministic normal deviates (Box-Muller on a small LCG): the same cells on every run. */
function gaussian(seed: number): () => number {
  let s = seed >>> 0;
  const u = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) + 1) / 2 ** 32;
  return () => Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u());
}

function sheetCandidates(seed: number): PickCandidate[] {
  const g = gaussian(seed);
  const out: PickCandidate[] = [];
  for (let r = 0; r < 50; r++) {
    for (let c = 0; c < 50; c++) {
      const x = g();
      // About 88 % pass (grades 1-3), 10 % fail, 1 % untested, a few held.
      const softBin = x > 2.3 ? null : x > 1.2 ? 10 + Math.floor(Math.abs(g()) * 3) : x > 0.5 ? 2 : x < -1.5 ? 3 : 1;
      out.push({
        row: r,
        col: c,
        softBin,
        hardBin: softBin === null ? null : softBin >= 10 ? 2 : 1,
        held: r === 7 && c < 5,
        asrOhmCm2: 100 * Math.exp(0.08 * g()),
        capacityMah: 0.15 * Math.exp(0.025 * g()),
        rollBarcode: 'R1',
        mdMm: 1000 + r * 5.5,
      });
    }
  }
  return out;
}

function singulatedPool(n: number, seed: number): MatchCell[] {
  const g = gaussian(seed);
  return Array.from({ length: n }, (_, i) => ({
    id: String(i),
    asrOhmCm2: 100 * Math.exp(0.08 * g()),
    capacityMah: 0.15 * Math.exp(0.025 * g()),
    rollBarcode: 'R1',
    mdMm: i * 0.5,
  }));
}

function time<T>(fn: () => T): [T, number] {
  const t0 = performance.now();
  const out = fn();
  return [out, performance.now() - t0];
}

export async function benchAssembly(): Promise<void> {
  // Pick maps: one sheet of 2,500 cells, both strategies, 8-layer stacks of grades 1-2.
  const cells = sheetCandidates(1);
  const order = { workOrder: 'WO-1', allowedGrades: [1, 2], layers: 8, rules: DEFAULT_MATCHING, stacksOpen: 10_000 };
  for (let i = 0; i < 5; i++) buildPickMap('S-1', cells, [order], 'KITS'); // warm-up
  const graded: number[] = [];
  const kits: number[] = [];
  let picked = 0;
  let kitCells = 0;
  for (let i = 0; i < 50; i++) {
    const sheet = sheetCandidates(i);
    const [g, gm] = time(() => buildPickMap(`S-${i}`, sheet, [order], 'GRADED'));
    graded.push(gm);
    picked = g.entries.length;
    const [k, km] = time(() => buildPickMap(`S-${i}`, sheet, [order], 'KITS'));
    kits.push(km);
    kitCells = k.entries.length;
  }
  console.log(`\nPick map of a 2,500-cell sheet (graded picks ${picked} cells; kits take ${kitCells} cells in ${kitCells / 8} kits of 8)`);
  report('pick map, GRADED, 2,500 cells, p50', summarize(graded).p50, 'ms', { value: 50, better: 'lower' });
  report('pick map, KITS of 8, 2,500 cells, p50', summarize(kits).p50, 'ms', { value: 50, better: 'lower' });
  report('pick map, KITS of 8, 2,500 cells, p95', summarize(kits).p95, 'ms');

  // Stack proposal over 10,000 singulated cells (ASR σ 8 %, capacity σ 2.5 %), 8 layers, default rules.
  const pool = singulatedPool(10_000, 7);
  proposeStacks(pool.slice(0, 1000), 8);
  const runs: number[] = [];
  let formed = 0;
  for (let i = 0; i < 5; i++) {
    const [stacks, ms] = time(() => proposeStacks(pool, 8));
    runs.push(ms);
    formed = stacks.length;
  }
  const bound = Math.floor(pool.length / 8);
  console.log(`\nStack proposal over 10,000 singulated cells, N = 8 (ASR ±10 %, capacity ±5 % of the stack mean)`);
  report('stack proposal, 10,000 cells, p50', summarize(runs).p50, 'ms', { value: 1000, better: 'lower' });
  report(`stacks formed (upper bound cells / N = ${bound})`, formed, 'stacks');
  report('stacks formed / upper bound', formed / bound, 'ratio');
  const sameSegment = { ...DEFAULT_MATCHING, maxMdSpanMm: 500 };
  const [segStacks, segMs] = time(() => proposeStacks(pool, 8, sameSegment));
  report('stack proposal, one roll segment of 500 mm', segMs, 'ms', { value: 1000, better: 'lower' });
  report('stacks formed / upper bound, one roll segment', segStacks.length / bound, 'ratio');

  // Where-used on PostgreSQL: 400,000 stacked cells along a roll in 50,000 stacks of 8 layers drawn
  // from anywhere on the roll; a region holding 100,000 of them.
  const db = await createTestDatabase('bench_assembly');
  const ds = createAssemblyDataSource(db.url);
  try {
    await migrateAssembly(db.url);
    await ds.initialize();
    const total = 400_000;
    const t0 = performance.now();
    await ds.query(`INSERT INTO assembly.stack_products (code, name, cell_product_code, target_capacity_mah, nominal_cell_capacity_mah, max_layers, allowed_grades, asr_spread_pct, capacity_spread_pct, ocv_min_v, ocv_max_v, impedance_tolerance, route, created_by)
                    VALUES ('B', 'bench', 'TFB-0505', 1.2, 0.15, 8, '{1}', 10, 5, 0.1, 4.3, 0.05, '[]', 'bench')`);
    await ds.query(
      `INSERT INTO assembly.singulation_reports (sheet_barcode, station_code, strategy, cells_tested, cells_passed, cells_in_pick_map, picked, broken, reported_by) VALUES ('S', 'SNG-1', 'GRADED', 0, 0, 0, 0, 0, 'bench')`,
    );
    // Cell i sits at MD i * 0.055 mm... in sheet rows of 50: 160 sheets of 2,500 cells over 48 m of roll.
    await ds.query(
      `INSERT INTO assembly.singulated_cells (sheet_barcode, row, col, roll_barcode, md_mm, cd_mm, soft_bin, capacity_mah, status, report_id)
       SELECT 'S-B-' || lpad((i / 2500)::text, 4, '0'), (i % 2500) / 50, i % 50, 'RB', 1000 + (i / 2500) * 300 + ((i % 2500) / 50) * 5.5, 15 + (i % 50) * 5.5, 1, 0.15, 'STACKED', 1
         FROM generate_series(0, $1 - 1) AS i`,
      [total],
    );
    await ds.query(
      `INSERT INTO assembly.stacks (barcode, stack_product_id, layers_planned, status, station_code, created_by) SELECT 'STK-B' || s, 1, 8, 'BUILT', 'STACK-1', 'bench' FROM generate_series(1, $1) AS s`,
      [total / 8],
    );
    // Layers drawn across the roll: stack s takes cells spread by a stride, so one region reaches many stacks.
    await ds.query(
      `INSERT INTO assembly.stack_layers (stack_id, layer_index, cell_id, added_by)
       SELECT 1 + ((c.id - 1) % $1), 1 + ((c.id - 1) / $1), c.id, 'bench' FROM assembly.singulated_cells c`,
      [total / 8],
    );
    await ds.query('UPDATE assembly.singulated_cells c SET stack_id = l.stack_id FROM assembly.stack_layers l WHERE l.cell_id = c.id');
    await ds.query('VACUUM ANALYZE assembly.singulated_cells');
    await ds.query('VACUUM ANALYZE assembly.stack_layers');
    await ds.query('VACUUM ANALYZE assembly.stacks');
    console.log(
      `\nWhere-used: ${total.toLocaleString()} stacked cells in ${(total / 8).toLocaleString()} stacks, loaded in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
    );
    // Where-used without a genealogy below the roll: tracking's answer stood in, the database part measured.
    const service = new StackService(ds, { rollChildren: async () => [] } as never, null as never, new StackRepository(ds), null as never);
    // 100,000 cells = 40 sheets = 12 m of roll from MD 1,000 mm.
    const region = { roll: 'RB', mdFromMm: 1000, mdToMm: 1000 + 40 * 300 };
    await service.whereUsed(region);
    const samples: number[] = [];
    let hits = 0;
    for (let i = 0; i < 5; i++) {
      const [res, ms] = await (async () => {
        const t = performance.now();
        const r = await service.whereUsed(region);
        return [r, performance.now() - t] as const;
      })();
      samples.push(ms);
      hits = res.length;
    }
    const cellsIn = Number(
      (
        await ds.query(`SELECT count(*) FROM assembly.singulated_cells WHERE roll_barcode = 'RB' AND md_mm >= $1 AND md_mm < $2`, [
          region.mdFromMm,
          region.mdToMm,
        ])
      )[0].count,
    );
    console.log(`region of ${cellsIn.toLocaleString()} cells reaches ${hits.toLocaleString()} stacks`);
    report('where-used, region of 100,000 cells -> stacks, p50', summarize(samples).p50, 'ms', { value: 1000, better: 'lower' });
    report('where-used, region of 100,000 cells -> stacks, max', summarize(samples).max, 'ms');
  } finally {
    if (ds.isInitialized) await ds.destroy();
    await db.drop();
  }
}
