import { simulateSheet, toSheetTestBody } from '@mes/simulator';
import { startMesProcesses, type MesProcesses } from '../support/mes-processes';

/**
 * Scale-out: the MES with two processes of each subgraph and two binning workers answers exactly as
 * one of each does for the same sheet tests (statuses and dispositions, cell results, sheet and roll
 * maps, Paretos, yields, holds); the gateway spreads requests over both replicas; a rig key revoked
 * through one replica is refused at once by the other, although that one had verified the key before.
 */

const SHEETS = [1, 2, 3];

/** What a user sees of the line after the same sheet tests: everything that must not depend on the replica count. */
interface LineView {
  tests: unknown[];
  answers: Record<string, unknown>;
}

async function run(mes: MesProcesses): Promise<LineView> {
  // Any failing cell holds the sheet, so holds are part of the comparison.
  await mes.admin.ok(
    'mutation { setProductTestPolicy(input: { productCode: "TFB-0505", maxRetests: 0, yieldHoldBelow: 0.99 }) { isDefault } }',
  );
  const key = (await mes.admin.ok('mutation { registerRig(name: "RIG SCALE", stationCode: "TST-1") { apiKey } }')).registerRig.apiKey;
  const ids: string[] = [];
  for (const n of SHEETS) {
    const sim = simulateSheet({ seed: 90 + n, sheetIndex: n, rows: 10, cols: 10, cellActiveAreaCm2: 0.25 });
    const body = toSheetTestBody(sim, {
      testId: `SCALE-${n}`,
      sheet: `S-R0001-${String(n).padStart(4, '0')}`,
      startedAt: '2026-12-02T10:00:00Z',
    });
    const res = await fetch(`${mes.gatewayUrl}/api/v1/sheet-tests`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': key },
      body: JSON.stringify(body),
    });
    expect(res.status).toBe(202);
    ids.push(((await res.json()) as { sheetTestId: string }).sheetTestId);
  }
  const tests: unknown[] = [];
  for (const id of ids) {
    let st: { status: string } & Record<string, unknown> = { status: '' };
    for (let i = 0; i < 300 && st.status !== 'DONE'; i++) {
      st = (await (await fetch(`${mes.gatewayUrl}/api/v1/sheet-tests/${id}`, { headers: { 'x-api-key': key } })).json()) as typeof st;
      if (st.status !== 'DONE') await new Promise((r) => setTimeout(r, 500));
    }
    expect(st.status).toBe('DONE');
    tests.push(st); // status, cell counts and bins: nothing in it names the database's ids
  }
  // The finish jobs (track-out or hold) run after DONE: wait for every sheet to have left the test or be held.
  for (let i = 0; i < 120; i++) {
    const holds = await mes.admin.ok('{ holdList(active: true, rollBarcode: "R0001") { sheetBarcode } }');
    const sheets = await Promise.all(SHEETS.map((n) => mes.admin.ok(`{ sheet(barcode: "S-R0001-000${n}") { operation } }`)));
    const settled = SHEETS.every(
      (n, i) =>
        sheets[i].sheet.operation !== 'SHEET_TEST' ||
        holds.holdList.some((h: { sheetBarcode: string | null }) => h.sheetBarcode === `S-R0001-000${n}`),
    );
    if (settled) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  const answers: Record<string, unknown> = {};
  const ask = async (name: string, query: string) => {
    answers[name] = await mes.admin.ok(query);
  };
  for (const n of SHEETS) {
    const s = `S-R0001-000${n}`;
    await ask(`softBins ${s}`, `{ sheetMap(sheet: "${s}", metric: SOFT_BIN) { rows cols values } }`);
    await ask(`ocv ${s}`, `{ sheetMap(sheet: "${s}", metric: OCV_V) { values } }`);
    await ask(`asr ${s}`, `{ sheetMap(sheet: "${s}", metric: ASR_OHM_CM2) { values } }`);
    await ask(`pareto ${s}`, `{ binPareto(sheet: "${s}") { softBin hardBin binName count } }`);
    await ask(
      `cell ${s}`,
      `{ cellResult(sheet: "${s}", row: 3, col: 4) { softBin hardBin binName ruleId ruleSetVersion history { testId softBin } } }`,
    );
    await ask(`sheet ${s}`, `{ sheet(barcode: "${s}") { operation stepState } }`);
  }
  await ask('rollYield', '{ rollYield(roll: "R0001") { sheetsTested cellsTested firstPassYield finalYield } }');
  await ask('rollPareto', '{ binPareto(roll: "R0001") { softBin count } }');
  await ask('rollMap', '{ rollMap(roll: "R0001", metric: SOFT_BIN) { values } }');
  const holds = await mes.admin.ok(
    '{ holdList(active: true, rollBarcode: "R0001") { target sheetBarcode row col reason active placedBy } }',
  );
  answers.holds = [...holds.holdList].sort((a: { sheetBarcode: string }, b: { sheetBarcode: string }) =>
    String(a.sheetBarcode).localeCompare(String(b.sheetBarcode)),
  );
  return { tests, answers };
}

describe('two of each process answer as one of each', () => {
  let single: LineView;

  it('one of each: the reference', async () => {
    const mes = await startMesProcesses('scale1');
    try {
      single = await run(mes);
    } finally {
      await mes.close();
    }
    expect(single.tests).toHaveLength(SHEETS.length);
  }, 900_000);

  it('two replicas of each subgraph and two workers: the same answers, both replicas used, a revoke seen by both', async () => {
    const mes = await startMesProcesses('scale2', {}, { replicas: 2, workers: 2 });
    try {
      const scaled = await run(mes);
      expect(scaled.tests).toEqual(single.tests);
      for (const [name, answer] of Object.entries(single.answers)) expect({ name, answer: scaled.answers[name] }).toEqual({ name, answer });
      expect(scaled.answers.holds).not.toEqual([]); // the comparison covered holds

      // The gateway takes the replicas in turn: four named queries reach both replicas of the subgraph that answers them.
      for (let i = 0; i < 4; i++) {
        await mes.admin.ok('query ScaleProbeHolds { holdList(limit: 1) { id } }');
        await mes.admin.ok('query ScaleProbeMap { sheetMap(sheet: "S-R0001-0001", metric: OCV_V) { rows } }');
      }
      for (const [name, operation] of [
        ['tracking', 'ScaleProbeHolds'],
        ['test-data', 'ScaleProbeMap'],
      ] as const)
        for (const replica of mes.replicaUrls[name]) {
          const metrics = await (await fetch(`${replica}/metrics`)).text();
          expect({ replica, answered: metrics.includes(`operation="${operation}`) }).toEqual({ replica, answered: true });
        }

      // Each test-data replica verifies (and caches) the key; a revoke through the gateway reaches both.
      const reg = await mes.admin.ok('mutation { registerRig(name: "RIG REVOKE", stationCode: "TST-2") { rig { id } apiKey } }');
      const { apiKey } = reg.registerRig;
      const queueOn = (replica: string) => fetch(`${replica}/api/v1/sheet-tests/queue`, { headers: { 'x-api-key': apiKey } });
      for (const replica of mes.replicaUrls['test-data']) expect((await queueOn(replica)).status).toBe(200);
      await mes.admin.ok(`mutation { revokeRigKey(rigId: "${reg.registerRig.rig.id}") { active } }`);
      for (const replica of mes.replicaUrls['test-data'])
        expect({ replica, status: (await queueOn(replica)).status }).toEqual({ replica, status: 401 });
    } finally {
      await mes.close();
    }
  }, 1_200_000);
});
