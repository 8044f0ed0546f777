/**
 * Tracking benchmarks (issue: foundation): cut a 300 m roll into sheets of 2,500 cells, and 1,000
 * station scans from 20 concurrent clients through the gateway.
 */
import 'reflect-metadata';
import { GraphqlClient } from '@mes/testing';
import { startMesProcesses } from '../../tests/support/mes-processes';
import { report, summarize } from './bench-util';

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const t0 = performance.now();
  const out = await fn();
  return [out, performance.now() - t0];
}

export async function benchTracking(): Promise<Record<string, number>> {
  const mes = await startMesProcesses('bench_tracking');
  try {
    const admin = mes.admin;
    const scan = (client: GraphqlClient, barcode: string, stationCode: string, action: string) =>
      client.ok('mutation($i: ScanInput!) { scan(input: $i) { stepState } }', { i: { barcode, stationCode, action } });

    await admin.ok(
      'mutation { registerRoll(input: { barcode: "BENCH-300", productCode: "TFB-0505", widthMm: 300, lengthM: 300 }) { barcode } }',
    );
    for (const st of ['INC-1', 'CLN-1', 'LCO-1', 'ANL-1']) {
      await scan(admin, 'BENCH-300', st, 'TRACK_IN');
      await scan(admin, 'BENCH-300', st, 'TRACK_OUT');
    }
    await scan(admin, 'BENCH-300', 'CUT-1', 'TRACK_IN');
    const cut =
      'mutation($n: Int) { cutSheets(input: { rollBarcode: "BENCH-300", stationCode: "CUT-1", count: $n }) { roll { sheetsCut } } }';

    // One sheet per call (as a cutter reporting each sheet would): latency per sheet through the gateway.
    const single: number[] = [];
    for (let i = 0; i < 60; i++) single.push((await timed(() => admin.ok(cut, { n: 1 })))[1]);
    // The rest of the roll in batches of 100 sheets: throughput of the bulk cell insert.
    let sheets = 60;
    let batchMs = 0;
    for (;;) {
      const [res, ms] = await timed(() => admin.request<{ cutSheets: { roll: { sheetsCut: number } } }>(cut, { n: 100 }));
      if (res.errors) break; // the roll is full
      batchMs += ms;
      const now = res.data!.cutSheets.roll.sheetsCut;
      if (now === sheets) break;
      sheets = now;
    }
    const batchedSheets = sheets - 60;
    await scan(admin, 'BENCH-300', 'CUT-1', 'TRACK_OUT');
    const s = summarize(single);
    console.log(`\nCutting a 300 m roll: ${sheets} sheets of 2,500 cells (${(sheets * 2500).toLocaleString()} cells)`);
    report('sheet of 2,500 cells, one per call via gateway, p50', s.p50, 'ms', { value: 100, better: 'lower' });
    report('sheet of 2,500 cells, one per call via gateway, p95', s.p95, 'ms');
    const perSheetBatched = batchMs / batchedSheets;
    report('sheet of 2,500 cells in batches of 100, mean', perSheetBatched, 'ms', { value: 100, better: 'lower' });
    report('cells created per second (batched)', (batchedSheets * 2500) / (batchMs / 1000), 'cells/s');

    // 1,000 scans from 20 concurrent station clients, each moving its own sheets in and out of LIPON.
    const clients = Array.from({ length: 20 }, () => new GraphqlClient(mes.graphqlUrl, admin.token));
    const latencies: number[] = [];
    const t0 = performance.now();
    await Promise.all(
      clients.map(async (client, c) => {
        for (let k = 0; k < 25; k++) {
          const barcode = `S-BENCH-300-${String(c * 25 + k + 1).padStart(4, '0')}`;
          for (const action of ['TRACK_IN', 'TRACK_OUT']) latencies.push((await timed(() => scan(client, barcode, 'LPN-1', action)))[1]);
        }
      }),
    );
    const wall = performance.now() - t0;
    const l = summarize(latencies);
    console.log(`\nStation scans through the gateway: ${l.n} scans from 20 concurrent clients`);
    report('scan latency p50', l.p50, 'ms');
    report('scan latency p95', l.p95, 'ms', { value: 50, better: 'lower' });
    report('scans per second', l.n / (wall / 1000), 'scans/s');
    return { sheetP50Ms: s.p50, sheetBatchedMs: perSheetBatched, scanP50Ms: l.p50, scanP95Ms: l.p95 };
  } finally {
    await mes.close();
  }
}

if (require.main === module) {
  benchTracking().then(
    () => process.exit(0),
    (e: unknown) => {
      console.error(e);
      process.exit(1);
    },
  );
}
