/**
 * Maps in a frame (issue 15, target 4): rollMap at the default steps (one bin per sheet length x cell
 * pitch: 601 x 55 bins) over a roll of 600 sheets x 2,500 cells, and sheetMap of one sheet, through
 * the gateway, in the list form and in the packed form (`valuesFloat32`, what the web UI asks), each
 * by the gateway's heat-map pass-through and by its ordinary federated path (the same query with a
 * root `__typename`, which the pass-through leaves alone), and straight from test-data. "Cold" is the
 * first call after the roll changed (the worker bumps the roll map's version), "warm" the same map
 * again. Every pair is measured in one run, back to back.
 */
import { Client } from 'pg';
import { GraphqlClient } from '@mes/testing';
import { startMesProcesses } from '../../tests/support/mes-processes';
import { report, summarize } from './bench-util';
import { prepareRollMapRoll } from './roll-map.bench';

/** Today's figures on main before this work (issue 15, one run): rollMap default steps through the gateway. */
const BEFORE = { rollMapColdMs: 106, rollMapWarmMs: 56, rollMapDirectMs: 32 };

export async function benchMaps(): Promise<Record<string, number>> {
  const mes = await startMesProcesses('bench_maps');
  const db = new Client({ connectionString: mes.db.url });
  await db.connect();
  try {
    await mes.admin.ok('mutation { registerRig(name: "MAPS BENCH RIG", stationCode: "TST-1") { apiKey } }'); // the generated tests' rig
    const { roll } = await prepareRollMapRoll(mes, db);
    const sheet = 'S-BENCH-7';
    const direct = new GraphqlClient(mes.testDataUrl, mes.admin.token);
    const bump = () => db.query(`UPDATE test_data.roll_maps SET version = version + 1 WHERE roll_barcode = $1`, [roll]);
    const time = async (client: GraphqlClient, query: string, before?: () => Promise<unknown>): Promise<number> => {
      if (before) await before();
      const t = performance.now();
      await client.ok(query);
      return performance.now() - t;
    };
    const forms = {
      list: `rollMap(roll: "${roll}", metric: OCV_V) { mdBins cdBins values counts }`,
      packed: `rollMap(roll: "${roll}", metric: OCV_V) { mdBins cdBins valuesFloat32 }`,
    };
    const cases: { name: string; client: GraphqlClient; query: string }[] = [
      { name: 'list, gateway pass-through', client: mes.admin, query: `{ ${forms.list} }` },
      { name: 'list, gateway federated path', client: mes.admin, query: `{ __typename ${forms.list} }` },
      { name: 'list, test-data directly', client: direct, query: `{ ${forms.list} }` },
      { name: 'packed, gateway pass-through', client: mes.admin, query: `{ ${forms.packed} }` },
      { name: 'packed, gateway federated path', client: mes.admin, query: `{ __typename ${forms.packed} }` },
      {
        name: 'packed + binPareto (the web UI roll page)',
        client: mes.admin,
        query: `{ ${forms.packed} binPareto(roll: "${roll}") { softBin binName count } }`,
      },
    ];
    for (const c of cases) await c.client.ok(c.query); // warm-up: plans, connections, JIT
    const rounds = 10;
    const cold = new Map<string, number[]>(cases.map((c) => [c.name, []]));
    const warm = new Map<string, number[]>(cases.map((c) => [c.name, []]));
    // Interleaved, so the machine's load falls on every case alike.
    for (let r = 0; r < rounds; r++) {
      for (const c of cases) {
        cold.get(c.name)!.push(await time(c.client, c.query, bump));
        for (let k = 0; k < 3; k++) warm.get(c.name)!.push(await time(c.client, c.query));
      }
    }
    const first = await mes.admin.ok(`{ ${forms.list} }`);
    console.log(
      `\nrollMap over ${roll} (${first.rollMap.mdBins} x ${first.rollMap.cdBins} bins at the default steps), p50 of ${rounds} cold and ${3 * rounds} warm calls`,
    );
    for (const c of cases) {
      const gateway = c.client === mes.admin;
      report(
        `${c.name}, cold${c.name === 'list, gateway pass-through' ? ` (before: ${BEFORE.rollMapColdMs} ms)` : ''}`,
        summarize(cold.get(c.name)!).p50,
        'ms',
        gateway ? { value: 50, better: 'lower' } : undefined,
      );
      report(
        `${c.name}, warm${c.name === 'list, gateway pass-through' ? ` (before: ${BEFORE.rollMapWarmMs} ms)` : ''}`,
        summarize(warm.get(c.name)!).p50,
        'ms',
        gateway ? { value: 20, better: 'lower' } : undefined,
      );
    }
    const ratio = (a: string, b: string, m: Map<string, number[]>) => summarize(m.get(a)!).p50 / summarize(m.get(b)!).p50;
    report(
      'federated path / pass-through, list, warm (same run)',
      ratio('list, gateway federated path', 'list, gateway pass-through', warm),
      'x',
    );
    report('list / packed, pass-through, warm (same run)', ratio('list, gateway pass-through', 'packed, gateway pass-through', warm), 'x');

    const sheetCases: { name: string; client: GraphqlClient; query: string }[] = [
      {
        name: 'sheetMap list, gateway pass-through',
        client: mes.admin,
        query: `{ sheetMap(sheet: "${sheet}", metric: OCV_V) { values } }`,
      },
      {
        name: 'sheetMap packed, gateway pass-through',
        client: mes.admin,
        query: `{ sheetMap(sheet: "${sheet}", metric: OCV_V) { rows cols valuesFloat32 } }`,
      },
      {
        name: 'sheetMap list, gateway federated path',
        client: mes.admin,
        query: `{ __typename sheetMap(sheet: "${sheet}", metric: OCV_V) { values } }`,
      },
      { name: 'sheetMap list, test-data directly', client: direct, query: `{ sheetMap(sheet: "${sheet}", metric: OCV_V) { values } }` },
    ];
    const sheetMs = new Map<string, number[]>(sheetCases.map((c) => [c.name, []]));
    for (const c of sheetCases) await c.client.ok(c.query);
    for (let r = 0; r < 30; r++) for (const c of sheetCases) sheetMs.get(c.name)!.push(await time(c.client, c.query));
    console.log(`\nsheetMap of ${sheet} (2,500 cells), p50 of 30 calls`);
    for (const c of sheetCases)
      report(c.name, summarize(sheetMs.get(c.name)!).p50, 'ms', c.client === mes.admin ? { value: 10, better: 'lower' } : undefined);
    return {
      rollMapColdMs: summarize(cold.get('list, gateway pass-through')!).p50,
      rollMapWarmMs: summarize(warm.get('list, gateway pass-through')!).p50,
      sheetMapMs: summarize(sheetMs.get('sheetMap list, gateway pass-through')!).p50,
    };
  } finally {
    await db.end();
    await mes.close();
  }
}

if (require.main === module) {
  benchMaps().then(
    () => process.exit(0),
    (e: unknown) => {
      console.error(e);
      process.exit(1);
    },
  );
}
