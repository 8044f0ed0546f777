/**
 * Station scans at line rate (issue 15, target 1): sheets scanned along their route (LiPON to sheet
 * test: six steps, twelve scans a sheet, two of them queue-time checks) through the gateway.
 *  - line rate: 50 stations each scanning every 2 s (25 scans/s), open loop: a scan is sent on time
 *    whether or not the previous ones were answered, so a slow answer cannot slow the offered rate.
 *  - saturated: 20 clients, each sending its next scan as soon as the last is answered.
 * Each path is measured in one run, one after the other, so their ratios hold on a loaded machine.
 * `SCAN_BENCH_PROFILE=<dir>` runs the MES's processes with --cpu-prof (profiles written at exit).
 */
import 'reflect-metadata';
import { GraphqlClient } from '@mes/testing';
import { startMesProcesses, type MesProcesses } from '../../tests/support/mes-processes';
import { report, summarize } from './bench-util';

const STEPS = ['LPN-1', 'INT-1', 'NCC-1', 'PAT-1', 'AOI-1', 'TST-1'];
/** Figures on main before this work (issue 15, one run of the tracking bench, 20 clients). */
const BEFORE = { saturatedP50Ms: 104, saturatedP95Ms: 190, saturatedPerS: 173 };

type ScanFn = (barcode: string, stationCode: string, action: 'TRACK_IN' | 'TRACK_OUT') => Promise<void>;

/** Every scan of a sheet's way from LiPON to sheet test, in order. */
function scansOf(barcode: string): { barcode: string; station: string; action: 'TRACK_IN' | 'TRACK_OUT' }[] {
  return STEPS.flatMap((station) => [
    { barcode, station, action: 'TRACK_IN' as const },
    { barcode, station, action: 'TRACK_OUT' as const },
  ]);
}

/** Sheets of a fresh roll of the demo product, cut and waiting at LiPON. */
async function cutRoll(mes: MesProcesses, roll: string, sheets: number): Promise<string[]> {
  const admin = mes.admin;
  const scan = (barcode: string, stationCode: string, action: string) =>
    admin.ok('mutation($i: ScanInput!) { scan(input: $i) { stepState } }', { i: { barcode, stationCode, action } });
  await admin.ok('mutation($i: RegisterRollInput!) { registerRoll(input: $i) { barcode } }', {
    i: { barcode: roll, productCode: 'TFB-0505', widthMm: 300, lengthM: Math.ceil((sheets * 0.3) / 10) * 10 + 10 },
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
    const results: Record<string, number> = {};
    const rounds = Number(process.env.SCAN_BENCH_ROUNDS ?? 1);
    for (let round = 0; round < rounds; round++) {
      for (const p of paths) {
        const key = p.name.replace(/\W+/g, '_');
        // Line rate: 50 stations every 2 s for 12 s (300 scans) on 25 sheets a station would never finish.
        const lineSheets = await cutRoll(mes, `R-LINE-${round}-${key.slice(0, 6)}`, 50);
        const line = summarize(await openLoop(p.client(token), lineSheets, 50, 2000, 12_000));
        const satSheets = await cutRoll(mes, `R-SAT-${round}-${key.slice(0, 6)}`, 200);
        const from = process.hrtime.bigint() / 1000n;
        const sat = await saturated(p.client(token), satSheets, 20);
        // The saturated phase on the profiles' clock (CLOCK_MONOTONIC, µs), for cpu-profile-summary's --window.
        if (profileDir) console.log(`profile window of ${p.name}, saturated: --window=${from}-${process.hrtime.bigint() / 1000n}`);
        const s = summarize(sat.latencies);
        console.log(`\n${p.name}${rounds > 1 ? ` (round ${round + 1})` : ''}: ${line.n} scans at line rate, ${s.n} saturated`);
        report('line rate (50 stations / 2 s, open loop) p50', line.p50, 'ms');
        report('line rate p95', line.p95, 'ms', { value: 50, better: 'lower' });
        report(`20 clients saturated p50 (before: ${BEFORE.saturatedP50Ms} ms)`, s.p50, 'ms');
        report(`20 clients saturated p95 (before: ${BEFORE.saturatedP95Ms} ms)`, s.p95, 'ms');
        report(`20 clients saturated throughput (before: ${BEFORE.saturatedPerS}/s)`, sat.perS, 'scans/s', {
          value: 500,
          better: 'higher',
        });
        results[`${key}_lineP95`] = line.p95;
        results[`${key}_satPerS`] = sat.perS;
      }
    }
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
