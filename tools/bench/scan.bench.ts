/**
 * Station scans at line rate (issue 15, target 1): sheets scanned along their route (LiPON to sheet
 * test: six steps, twelve scans a sheet, two of them queue-time checks) through the gateway.
 *  - line rate: 50 stations each scanning every 2 s (25 scans/s), open loop: a scan is sent on time
 *    whether or not the previous ones were answered, so a slow answer cannot slow the offered rate.
 *  - saturated: 20 clients, each sending its next scan as soon as the last is answered.
 * Paths: the scan mutation through the gateway (as before), POST /api/v1/scans through the gateway,
 * and the mutation straight to tracking (to tell the gateway's share). They take turns in slices,
 * a few rounds, so the load others put on the machine falls on each alike; the ratios are the figures
 * to trust on a busy machine.
 * `SCAN_BENCH_PROFILE=<dir>` runs the MES's processes with --cpu-prof (profiles written at exit).
 */
import 'reflect-metadata';
import { GraphqlClient } from '@mes/testing';
import { DEMO_LINE } from '@mes/tracking';
import { startMesProcesses, type MesProcesses } from '../../tests/support/mes-processes';
import { report, summarize } from './bench-util';

const STEPS = ['LPN-1', 'INT-1', 'NCC-1', 'PAT-1', 'AOI-1', 'TST-1'];
/** Figures on main before this work (issue 15, one run of the tracking bench, 20 clients). */
const BEFORE = { saturatedP50Ms: 104, saturatedP95Ms: 190, saturatedPerS: 173 };

type ScanFn = (barcode: string, stationCode: string, action: 'TRACK_IN' | 'TRACK_OUT') => Promise<void>;

/** Every scan of a sheet's way from LiPON to sheet test, in order. */
export function scansOf(barcode: string): { barcode: string; station: string; action: 'TRACK_IN' | 'TRACK_OUT' }[] {
  return STEPS.flatMap((station) => [
    { barcode, station, action: 'TRACK_IN' as const },
    { barcode, station, action: 'TRACK_OUT' as const },
  ]);
}

/**
 * The demo line's route (vacuum steps, queue-time limits) on a 4 x 5 cell sheet: a scan costs the
 * same whatever the cell count, and small sheets are cut in no time.
 */
const PRODUCT = 'SCAN-BENCH';
export async function createProduct(mes: MesProcesses, code = PRODUCT, rows = 4, cols = 5): Promise<void> {
  await mes.admin.ok('mutation($i: CreateProductInput!) { createProduct(input: $i) { code } }', {
    i: {
      code,
      name: `Bench product ${code}`,
      layout: {
        rows,
        cols,
        cellMdMm: 10,
        cellCdMm: 10,
        pitchMdMm: 11,
        pitchCdMm: 11,
        firstCellMdMm: 10,
        firstCellCdMm: 10,
        sheetLengthMdMm: rows * 11 + 16,
      },
      leaderMm: 100,
      trailerMm: 100,
      route: DEMO_LINE.route.map((s) => ({
        operation: s.operation,
        level: s.level,
        vacuum: 'vacuum' in s ? s.vacuum : false,
        maxQueueMinutes: 'maxQueueMinutes' in s ? s.maxQueueMinutes : null,
      })),
    },
  });
}

/** Sheets of a fresh roll of the bench product, cut and waiting at LiPON. */
export async function cutRoll(mes: MesProcesses, roll: string, sheets: number, product = PRODUCT): Promise<string[]> {
  const admin = mes.admin;
  const scan = (barcode: string, stationCode: string, action: string) =>
    admin.ok('mutation($i: ScanInput!) { scan(input: $i) { stepState } }', { i: { barcode, stationCode, action } });
  await admin.ok('mutation($i: RegisterRollInput!) { registerRoll(input: $i) { barcode } }', {
    i: { barcode: roll, productCode: product, widthMm: 300, lengthM: Math.ceil((sheets * 0.2) / 10) * 10 + 10 },
  });
  for (const st of ['INC-1', 'CLN-1', 'LCO-1', 'ANL-1', 'CUT-1']) {
    await scan(roll, st, 'TRACK_IN');
    if (st !== 'CUT-1') await scan(roll, st, 'TRACK_OUT');
  }
  for (let done = 0; done < sheets; done += 100)
    await admin.ok(
      'mutation($r: String!, $n: Int) { cutSheets(input: { rollBarcode: $r, stationCode: "CUT-1", count: $n }) { roll { sheetsCut } } }',
      {
        r: roll,
        n: Math.min(100, sheets - done),
      },
    );
  await scan(roll, 'CUT-1', 'TRACK_OUT');
  return Array.from({ length: sheets }, (_, i) => `S-${roll}-${String(i + 1).padStart(4, '0')}`);
}

/** Open loop: `stations` stations, each sending a scan every `periodMs`, phases spread evenly. */
async function openLoop(scan: ScanFn, sheets: string[], stations: number, periodMs: number, durationMs: number): Promise<number[]> {
  // Each station works its own sheets one after the other, so one sheet is never scanned twice at once.
  const queues = Array.from({ length: stations }, (_, s) => sheets.filter((_, i) => i % stations === s).flatMap(scansOf));
  const latencies: number[] = [];
  const pending: Promise<void>[] = [];
  const t0 = performance.now();
  await Promise.all(
    queues.map(async (queue, s) => {
      let busy: Promise<void> = Promise.resolve();
      for (let k = 0; ; k++) {
        const due = t0 + (s * periodMs) / stations + k * periodMs;
        if (due - t0 >= durationMs || !queue.length) break;
        await new Promise((r) => setTimeout(r, Math.max(0, due - performance.now())));
        const next = queue.shift()!;
        const sent = performance.now();
        // The scanner's next scan leaves on time; it is served after this one (a station's order).
        const prev = busy;
        busy = prev.then(async () => {
          await scan(next.barcode, next.station, next.action);
          latencies.push(performance.now() - sent);
        });
        pending.push(busy);
      }
    }),
  );
  await Promise.all(pending);
  return latencies;
}

/** Saturated: `clients` clients, each scanning its own sheets back to back. */
async function saturated(scan: ScanFn, sheets: string[], clients: number): Promise<{ latencies: number[]; perS: number }> {
  const queues = Array.from({ length: clients }, (_, c) => sheets.filter((_, i) => i % clients === c).flatMap(scansOf));
  const latencies: number[] = [];
  const t0 = performance.now();
  await Promise.all(
    queues.map(async (queue) => {
      for (const s of queue) {
        const t = performance.now();
        await scan(s.barcode, s.station, s.action);
        latencies.push(performance.now() - t);
      }
    }),
  );
  return { latencies, perS: latencies.length / ((performance.now() - t0) / 1000) };
}

export async function benchScans(): Promise<Record<string, number>> {
  const profileDir = process.env.SCAN_BENCH_PROFILE;
  const mes = await startMesProcesses(
    'bench_scan',
    {},
    {
      nodeArgs: profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [],
    },
  );
  try {
    const paths: { name: string; client: (token: string) => ScanFn }[] = [
      {
        name: 'GraphQL scan via gateway',
        client: (token) => {
          const c = new GraphqlClient(mes.graphqlUrl, token);
          return async (barcode, stationCode, action) => {
            await c.ok('mutation($i: ScanInput!) { scan(input: $i) { stepState } }', { i: { barcode, stationCode, action } });
          };
        },
      },
      {
        name: 'REST POST /api/v1/scans via gateway',
        client: (token) => async (barcode, stationCode, action) => {
          const res = await fetch(`${mes.gatewayUrl}/api/v1/scans`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
            body: JSON.stringify({ barcode, stationCode, action }),
          });
          const body = (await res.json()) as { stepState?: string };
          if (res.status !== 200 || !body.stepState) throw new Error(`scan answered ${res.status}: ${JSON.stringify(body)}`);
        },
      },
      {
        // Not a path a scanner takes: the tracking subgraph alone, to tell the gateway's share.
        name: 'GraphQL scan straight to tracking (no gateway)',
        client: (token) => {
          const c = new GraphqlClient(mes.trackingUrl, token);
          return async (barcode, stationCode, action) => {
            await c.ok('mutation($i: ScanInput!) { scan(input: $i) { stepState } }', { i: { barcode, stationCode, action } });
          };
        },
      },
    ];
    const token = mes.admin.token;
    if (!token) throw new Error('the bench admin has no token');
    await createProduct(mes);
    // Slices of each path in turn (line rate 6 s, then 480 saturated scans), a few rounds: the load
    // other work puts on the machine then falls on every path alike.
    const rounds = Number(process.env.SCAN_BENCH_ROUNDS ?? 3);
    const line = new Map<string, number[]>(paths.map((p) => [p.name, []]));
    const sat = new Map<string, { latencies: number[]; ms: number }>(paths.map((p) => [p.name, { latencies: [], ms: 0 }]));
    const sheets = new Map<string, { line: string[]; sat: string[] }[]>();
    for (const [i, p] of paths.entries()) {
      const perRound: { line: string[]; sat: string[] }[] = [];
      for (let r = 0; r < rounds; r++)
        perRound.push({ line: await cutRoll(mes, `R-L${i}-${r}`, 50), sat: await cutRoll(mes, `R-S${i}-${r}`, 40) });
      sheets.set(p.name, perRound);
    }
    const windows: string[] = [];
    for (let r = 0; r < rounds; r++) {
      for (const p of paths) {
        const mine = sheets.get(p.name)![r];
        line.get(p.name)!.push(...(await openLoop(p.client(token), mine.line, 50, 2000, 6000)));
        const from = process.hrtime.bigint() / 1000n;
        const t0 = performance.now();
        const out = await saturated(p.client(token), mine.sat, 20);
        const total = sat.get(p.name)!;
        total.latencies.push(...out.latencies);
        total.ms += performance.now() - t0;
        windows.push(`${p.name}, round ${r + 1}: --window=${from}-${process.hrtime.bigint() / 1000n}`);
      }
    }
    // The saturated slices on the profiles' clock (CLOCK_MONOTONIC, µs), for cpu-profile-summary's --window.
    if (profileDir) for (const w of windows) console.log(`profile window of ${w}`);
    const results: Record<string, number> = {};
    for (const p of paths) {
      const l = summarize(line.get(p.name)!);
      const t = sat.get(p.name)!;
      const s = summarize(t.latencies);
      const perS = t.latencies.length / (t.ms / 1000);
      const key = p.name.replace(/\W+/g, '_');
      console.log(`\n${p.name}: ${l.n} scans at line rate, ${s.n} saturated, in ${rounds} slices each`);
      report('line rate (50 stations / 2 s, open loop) p50', l.p50, 'ms');
      report('line rate p95', l.p95, 'ms', { value: 50, better: 'lower' });
      report(`20 clients saturated p50 (before: ${BEFORE.saturatedP50Ms} ms)`, s.p50, 'ms');
      report(`20 clients saturated p95 (before: ${BEFORE.saturatedP95Ms} ms)`, s.p95, 'ms');
      report(`20 clients saturated throughput (before: ${BEFORE.saturatedPerS}/s)`, perS, 'scans/s', { value: 500, better: 'higher' });
      results[`${key}_lineP95`] = l.p95;
      results[`${key}_satPerS`] = perS;
    }
    const [graphql, restPath] = paths.map((p) => results[`${p.name.replace(/\W+/g, '_')}_satPerS`]);
    console.log('');
    report('REST / GraphQL via gateway, saturated throughput (same run)', restPath / graphql, 'x');
    report(
      'GraphQL / REST via gateway, line-rate p95 (same run)',
      results[`${paths[0].name.replace(/\W+/g, '_')}_lineP95`] / results[`${paths[1].name.replace(/\W+/g, '_')}_lineP95`],
      'x',
    );
    return results;
  } finally {
    await mes.close();
  }
}

if (require.main === module) {
  benchScans().then(
    () => process.exit(0),
    (e: unknown) => {
      console.error(e);
      process.exit(1);
    },
  );
}
