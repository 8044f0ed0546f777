/**
 * Process data benchmarks (issue: process data): trace ingest of a 3-day, 1 Hz, 10-channel run posted
 * in 10,000-sample batches through the gateway, and cell provenance latency for cells of a roll with
 * 20 process runs, each with its own trace. Runs the MES as separate processes, as npm start does.
 */
import 'reflect-metadata';
import { Client } from 'pg';
import type { GraphqlClient } from '@mes/testing';
import { startMesProcesses } from '../../tests/support/mes-processes';
import { report, summarize } from './bench-util';

const CHANNELS: [string, string, (t: number) => number][] = [
  ['web_speed', 'm/min', () => 0.05],
  ['qcm_rate', 'Å/s', (t) => 10 + 0.2 * Math.sin(t / 300)],
  ['power', 'W', (t) => 2000 + 5 * Math.sin(t / 97)],
  ['reflected_power', 'W', (t) => 20 + Math.sin(t / 13)],
  ['pressure', 'mTorr', (t) => 3 + 0.02 * Math.sin(t / 50)],
  ['ar_flow', 'sccm', () => 40],
  ['o2_flow', 'sccm', () => 4],
  ['drum_temp', '°C', (t) => 25 + 0.5 * Math.sin(t / 3600)],
  ['substrate_temp', '°C', (t) => 60 + Math.sin(t / 1800)],
  ['arc_count', 'count', (t) => Math.floor(t / 5000)],
];

function traceBody(runId: string, batchId: string, t0Ms: number, fromS: number, n: number): string {
  const tS = Array.from({ length: n }, (_, i) => i);
  const channels = Object.fromEntries(CHANNELS.map(([name, unit, f]) => [name, { unit, values: tS.map((i) => f(fromS + i)) }]));
  return JSON.stringify({ batchId, runId, t0: new Date(t0Ms + fromS * 1000).toISOString(), tS, channels });
}

const LCO_ACTUALS = Object.entries({
  power_w: 2000,
  ar_flow_sccm: 40,
  o2_flow_sccm: 4,
  pressure_mtorr: 3,
  drum_temp_c: 25,
  web_speed_m_min: 0.05,
  rate_a_per_s: 10,
  thickness_um: 10,
}).map(([parameter, value]) => ({ parameter, value }));

async function prepareRoll(admin: GraphqlClient, barcode: string, lengthM: number): Promise<void> {
  await admin.ok('mutation($i: RegisterRollInput!) { registerRoll(input: $i) { barcode } }', {
    i: { barcode, productCode: 'TFB-0505', widthMm: 300, lengthM, substrateThicknessUm: 20 },
  });
  for (const station of ['INC-1', 'CLN-1']) {
    await admin.ok('mutation($i: ScanInput!) { scan(input: $i) { stepState } }', {
      i: { barcode, stationCode: station, action: 'TRACK_IN' },
    });
    await admin.ok('mutation($i: ScanInput!) { scan(input: $i) { stepState } }', {
      i: { barcode, stationCode: station, action: 'TRACK_OUT' },
    });
  }
}

export async function benchProcess(): Promise<void> {
  const mes = await startMesProcesses('bench_process');
  const db = new Client({ connectionString: mes.db.url });
  await db.connect();
  try {
    const admin = mes.admin;
    // The bench runs more energy through the target than its seeded life allows.
    await admin.ok('mutation { configureEquipment(input: { equipmentCode: "SPT-LCO-1", targetLifeKwh: 1000000 }) { targetLifeKwh } }');
    const key = (await admin.ok('mutation { issueEquipmentKey(equipmentCode: "SPT-LCO-1") { apiKey } }')).issueEquipmentKey
      .apiKey as string;
    const post = async (body: string) => {
      const res = await fetch(`${mes.gatewayUrl}/api/v1/equipment-traces`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': key },
        body,
      });
      if (res.status !== 201) throw new Error(`trace batch answered ${res.status}: ${await res.text()}`);
    };

    // (1) A 3-day run at 1 Hz on 10 channels (0.05 m/min: 216 m of a 250 m roll) in 10,000-sample batches.
    await prepareRoll(admin, 'RB-TRACE', 250);
    const run = (
      await admin.ok(
        'mutation { startProcessRun(input: { unitBarcode: "RB-TRACE", equipmentCode: "SPT-LCO-1", recipe: { name: "LCO-SPUTTER-10UM", version: 1 } }) { id } }',
      )
    ).startProcessRun;
    const totalS = 3 * 24 * 3600;
    const t0Ms = Date.now() - (totalS + 3600) * 1000;
    const batchMs: number[] = [];
    const wall0 = performance.now();
    for (let from = 0; from < totalS; from += 10_000) {
      const body = traceBody(run.id, `b${from}`, t0Ms, from, Math.min(10_000, totalS - from));
      const t = performance.now();
      await post(body);
      batchMs.push(performance.now() - t);
    }
    const postMs = batchMs.reduce((a, b) => a + b, 0);
    const samples = totalS * CHANNELS.length;
    // The month partitions of both tables (a partitioned parent holds no rows of its own).
    const [{ bytes }] = (
      await db.query(
        `SELECT sum(pg_total_relation_size(i.inhrelid)) AS bytes FROM pg_inherits i
          WHERE i.inhparent IN ('process.trace_channels'::regclass, 'process.trace_batches'::regclass)`,
      )
    ).rows as { bytes: string }[];
    const { rows: stored } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM process.trace_channels WHERE run_id = $1`, [
      run.id,
    ]);
    console.log(
      `\nTrace ingest: a 3-day run, 1 Hz, ${CHANNELS.length} channels (${(samples / 1e6).toFixed(2)} M samples) in ${batchMs.length} batches of 10,000 through the gateway`,
    );
    report('batch POST p50 (10,000 x 10 samples)', summarize(batchMs).p50, 'ms');
    report('batch POST p95', summarize(batchMs).p95, 'ms');
    report('samples (value x channel) stored per second of POST time', samples / (postMs / 1000), 'samples/s');
    report('whole run posted in (excluding building the JSON)', postMs / 1000, 's');
    report('wall time including building the JSON bodies', (performance.now() - wall0) / 1000, 's');
    report('rows stored for the run (one per batch and channel)', stored[0].n, 'rows');
    report('bytes per sample on disk (tables and indexes)', Number(bytes) / samples, 'B');

    // (2) Cell provenance on a 20 m roll with 20 runs (1 m segments), each with a 20-minute trace.
    await prepareRoll(admin, 'RB-PROV', 22);
    for (let i = 0; i < 20; i++) {
      const seg = (
        await admin.ok(
          `mutation { startProcessRun(input: { unitBarcode: "RB-PROV", equipmentCode: "SPT-LCO-1", recipe: { name: "LCO-SPUTTER-10UM", version: 1 }, mdStartMm: ${1000 + i * 1000}, mdEndMm: ${2000 + i * 1000} }) { id } }`,
        )
      ).startProcessRun;
      await post(traceBody(seg.id, 'b0', t0Ms + i * 1300_000, 0, 1200));
      await admin.ok('mutation($i: CompleteProcessRunInput!) { completeProcessRun(input: $i) { state } }', {
        i: { runId: seg.id, actuals: LCO_ACTUALS, trackOut: i === 19 },
      });
    }
    const scan = 'mutation($i: ScanInput!) { scan(input: $i) { stepState } }';
    await admin.ok(scan, { i: { barcode: 'RB-PROV', stationCode: 'ANL-1', action: 'TRACK_IN' } });
    await admin.ok(scan, { i: { barcode: 'RB-PROV', stationCode: 'ANL-1', action: 'TRACK_OUT' } });
    await admin.ok(scan, { i: { barcode: 'RB-PROV', stationCode: 'CUT-1', action: 'TRACK_IN' } });
    const sheets = (
      await admin.ok('mutation { cutSheets(input: { rollBarcode: "RB-PROV", stationCode: "CUT-1" }) { sheets { barcode } } }')
    ).cutSheets.sheets as { barcode: string }[];
    const query = (s: string, r: number, c: number) =>
      `{ cellProvenance(sheet: "${s}", row: ${r}, col: ${c}) { mdMm layers { operation run { id recipeName recipeVersion equipmentCode actuals { parameter value } } traces { channel mean min max samples } } thickness { layer thicknessUm } predictedCapacityUah } }`;
    for (let i = 0; i < 20; i++) await admin.ok(query(sheets[i % sheets.length].barcode, i, i)); // warm-up
    const provMs: number[] = [];
    let layers = 0;
    for (let i = 0; i < 200; i++) {
      const s = sheets[(i * 7) % sheets.length].barcode;
      const t = performance.now();
      const p = (await admin.ok(query(s, (i * 13) % 50, (i * 17) % 50))).cellProvenance;
      provMs.push(performance.now() - t);
      layers += p.layers.length;
    }
    const p = summarize(provMs);
    console.log(
      `\nCell provenance through the gateway: a roll with 20 LCO runs, each traced on ${CHANNELS.length} channels (${layers / 200} layer(s) and ${CHANNELS.length} trace summaries per cell)`,
    );
    report('cellProvenance p50', p.p50, 'ms', { value: 50, better: 'lower' });
    report('cellProvenance p95', p.p95, 'ms');
  } finally {
    await db.end();
    await mes.close();
  }
}
