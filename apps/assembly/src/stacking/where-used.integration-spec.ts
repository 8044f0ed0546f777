import { DataSource } from 'typeorm';
import type { RollChildLink } from '@mes/assembly';
import { DomainError } from '@mes/service-core';
import { createTestDatabase, type TestDatabase } from '@mes/testing';
import type { LineData } from '../clients/line-data';
import { assemblyDataSourceOptions, migrateAssembly } from '../database/assembly-data-source';
import { AssemblyMasterDataRepository } from '../master-data/master-data.repository';
import { StackRepository } from './stack.repository';
import { StackService } from './stack.service';

/**
 * Where-used down the genealogy on a real PostgreSQL: R1 [2000, 5000) was spliced into S1 at
 * [0, 3000), and S1 slit into lanes S1-A and S1-B; tracking's Roll.children answers are stood in.
 */
describe('where-used follows splices and slits', () => {
  let db: TestDatabase;
  let ds: DataSource;
  let stacks: StackService;
  const children: Record<string, RollChildLink[]> = {
    R1: [{ childBarcode: 'S1', mdStartMm: 0, mdEndMm: 3000, parentMdStartMm: 2000 }],
    S1: [
      { childBarcode: 'S1-A', mdStartMm: 0, mdEndMm: 6000, parentMdStartMm: 0 },
      { childBarcode: 'S1-B', mdStartMm: 0, mdEndMm: 6000, parentMdStartMm: 0 },
    ],
  };
  const asked: string[] = [];
  // Process runs as the process service answers them: run 7 deposited R1 MD [2600, 2900).
  const runs: Record<string, { rollBarcode: string; mdStartMm: number; mdEndMm: number }> = {
    '7': { rollBarcode: 'R1', mdStartMm: 2600, mdEndMm: 2900 },
  };
  // Holds as tracking answers them: 21 on R1 [2400, 3000) still active, 22 on the same region released with SCRAP.
  const region = { target: 'ROLL_REGION', rollBarcode: 'R1', mdFromMm: 2400, mdToMm: 3000, sheetBarcode: null, row: null, col: null };
  const holds: Record<string, unknown> = {
    '21': { id: '21', ...region, reason: 'LiPON pinholes', disposition: null },
    '22': { id: '22', ...region, reason: 'LiPON pinholes', disposition: 'SCRAP' },
  };
  const line = {
    rollChildren: async (roll: string) => {
      asked.push(roll);
      return children[roll] ?? [];
    },
    hold: async (id: string) => holds[id],
    runSegment: async (runId: string) => {
      if (!runs[runId]) throw new DomainError('NOT_FOUND', `Unknown process run ${runId}`);
      return runs[runId];
    },
  } as unknown as LineData;

  beforeAll(async () => {
    db = await createTestDatabase('asmwhereused');
    await migrateAssembly(db.url);
    ds = new DataSource({ ...assemblyDataSourceOptions(db.url), logging: false });
    await ds.initialize();
    stacks = new StackService(ds, line, null as never, new StackRepository(ds), new AssemblyMasterDataRepository(ds));
    // One stacked cell per (roll, MD), each in its own stack named after it.
    const cells = [
      ['R1', 2500], // in the region, on the held roll itself
      ['S1', 700], // R1 MD 2700 spliced into S1
      ['S1-A', 800], // R1 MD 2800, then slit
      ['S1-B', 4000], // from the other roll spliced into S1: not R1's material
      ['R1', 1000], // R1, outside the region
    ];
    for (const [i, [roll, md]] of cells.entries()) {
      await ds.query(
        `INSERT INTO assembly.singulated_cells (sheet_barcode, row, col, roll_barcode, md_mm, cd_mm, soft_bin, capacity_mah, status, report_id)
         VALUES ($1, 0, 0, $2, $3, 10, 1, 0.15, 'STACKED', 1)`,
        [`S-${roll}-${md}`, roll, md],
      );
      await ds.query(
        `INSERT INTO assembly.stacks (barcode, stack_product_id, layers_planned, status, station_code, created_by) VALUES ($1, 1, 1, 'BUILT', 'STACK-1', 't')`,
        [`STK-${i}`],
      );
    }
    await ds.query(`UPDATE assembly.singulated_cells c SET stack_id = s.id FROM assembly.stacks s WHERE s.barcode = 'STK-' || (c.id - 1)`);
  });
  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  it('finds the stacks of the region’s cells on the rolls spliced and slit from it, and no others', async () => {
    const used = await stacks.whereUsed({ roll: 'R1', mdFromMm: 2400, mdToMm: 3000 });
    expect(used.map((u) => [u.barcode, u.cellCodes])).toEqual([
      ['STK-0', ['S-R1-2500-R0C0']],
      ['STK-1', ['S-S1-700-R0C0']],
      ['STK-2', ['S-S1-A-800-R0C0']],
    ]);
    expect(asked).toEqual(['R1', 'S1', 'S1-A', 'S1-B']);
    // The whole roll: its own cells too, still none of the other roll's material in S1-B.
    expect((await stacks.whereUsed({ roll: 'R1' })).map((u) => u.barcode)).toEqual(['STK-0', 'STK-1', 'STK-2', 'STK-4']);
    // A sheet alone asks no genealogy.
    asked.length = 0;
    expect((await stacks.whereUsed({ sheet: 'S-S1-B-4000' })).map((u) => u.barcode)).toEqual(['STK-3']);
    expect(asked).toEqual([]);
  });

  it('finds the stacks of the cells a process run made, down the genealogy; an unknown run is refused', async () => {
    // R1 [2600, 2900): the cell at R1 2500 is outside, S1 700 (R1 2700) and S1-A 800 (R1 2800) inside.
    expect((await stacks.whereUsedByRun('7')).map((u) => u.barcode)).toEqual(['STK-1', 'STK-2']);
    await expect(stacks.whereUsedByRun('99')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('where-used of a hold released with SCRAP scraps the stacks it finds, once, with an audit record each', async () => {
    const status = async (): Promise<[string, string][]> =>
      (await ds.query<{ barcode: string; status: string }[]>(`SELECT barcode, status FROM assembly.stacks ORDER BY id`)).map((r) => [
        r.barcode,
        r.status,
      ]);
    const active = await stacks.whereUsedByHold('21');
    expect(active.map((u) => [u.barcode, u.status])).toEqual([
      ['STK-0', 'BUILT'],
      ['STK-1', 'BUILT'],
      ['STK-2', 'BUILT'],
    ]);
    expect((await status()).filter(([, s]) => s === 'SCRAPPED')).toEqual([]);
    const scrap = await stacks.whereUsedByHold('22');
    expect(scrap.map((u) => [u.barcode, u.status])).toEqual([
      ['STK-0', 'SCRAPPED'],
      ['STK-1', 'SCRAPPED'],
      ['STK-2', 'SCRAPPED'],
    ]);
    expect(await status()).toEqual([
      ['STK-0', 'SCRAPPED'],
      ['STK-1', 'SCRAPPED'],
      ['STK-2', 'SCRAPPED'],
      ['STK-3', 'BUILT'],
      ['STK-4', 'BUILT'],
    ]);
    await stacks.whereUsedByHold('22');
    const audits = await ds.query(
      `SELECT entity_id, details->>'holdId' AS hold FROM assembly.audit_records WHERE action = 'SCRAP_STACK' ORDER BY id`,
    );
    expect(audits).toEqual([
      { entity_id: 'STK-0', hold: '22' },
      { entity_id: 'STK-1', hold: '22' },
      { entity_id: 'STK-2', hold: '22' },
    ]);
  });
});
